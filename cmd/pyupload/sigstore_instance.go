package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/pyupload/pyupload/internal/localfile"
	"github.com/pyupload/pyupload/internal/ui"
	"github.com/pyupload/pyupload/pkg/sigstore"
	"github.com/pyupload/pyupload/pkg/tuf"
)

// Sigstore instances by --sigstore name.
const (
	instanceProduction = "production"
	instanceStaging    = "staging"
)

// tufRepositories are Sigstore's TUF repositories by instance name (tests
// point them at a local one).
var tufRepositories = map[string]func() tuf.Repository{
	instanceProduction: tuf.Production,
	instanceStaging:    tuf.Staging,
}

// stagingServices are the staging instance's Fulcio and Rekor v1, used
// when its TUF repository lists no signing configuration.
var stagingServices = [2]string{"https://fulcio.sigstage.dev", "https://rekor.sigstage.dev"}

// Targets of Sigstore's TUF repositories.
const (
	tufTrustedRoot   = "trusted_root.json"
	tufSigningConfig = "signing_config.v0.2.json"
)

func (o sigstoreOptions) validate() error {
	switch {
	case o.instance != instanceProduction && o.instance != instanceStaging:
		return ui.Usagef("--sigstore takes production or staging, not %q", o.instance)
	case (o.trustedRoot == "") != (o.signingConfig == "") && o.signingConfig != "":
		return ui.Usagef("--sigstore-signing-config needs --sigstore-trusted-root")
	}
	return nil
}

// custom reports whether files describe the instance.
func (o sigstoreOptions) custom() bool { return o.trustedRoot != "" }

// loadTrustedRoot is the root attestations must chain to: the file given,
// the staging root from its TUF repository, or production's (the one in
// the binary, or its TUF repository's with --sigstore-update).
func loadTrustedRoot(ctx context.Context, o sigstoreOptions, client *http.Client, pr *ui.Printer) (*sigstore.TrustedRoot, error) {
	switch {
	case o.custom():
		b, err := localfile.ReadFile(o.trustedRoot)
		if err != nil {
			return nil, fmt.Errorf("reading the Sigstore trusted root: %w", err)
		}
		root, err := sigstore.ParseTrustedRoot(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", o.trustedRoot, err)
		}
		return root, nil
	case o.instance == instanceStaging || o.update:
		b, err := tufTarget(ctx, o.instance, tufTrustedRoot, client)
		if err == nil {
			return sigstore.ParseTrustedRoot(b)
		}
		if o.instance == instanceStaging {
			return nil, err
		}
		pr.Warn(fmt.Sprintf("could not update Sigstore's trusted root (%v); using the one in this pyupload", err))
	}
	return sigstore.ProductionRoot()
}

// tufTarget fetches one verified target of an instance's TUF repository.
func tufTarget(ctx context.Context, instance, name string, client *http.Client) ([]byte, error) {
	c, err := tuf.New(client, tufRepositories[instance](), tuf.WithClock(time.Now))
	if err != nil {
		return nil, fmt.Errorf("the %s Sigstore instance's TUF repository: %w", instance, err)
	}
	b, err := c.Target(ctx, name)
	if err != nil {
		return nil, fmt.Errorf("fetching %s from Sigstore's %s TUF repository: %w", name, instance, err)
	}
	return b, nil
}

// runRoot loads a run's trusted root at most once: checking the
// attestation files given and signing share it, and with --sigstore-update
// or staging it costs a walk of the TUF repository.
type runRoot struct {
	o      sigstoreOptions
	client *http.Client
	pr     *ui.Printer
	root   *sigstore.TrustedRoot
}

func (r *runRoot) get(ctx context.Context) (*sigstore.TrustedRoot, error) {
	if r.root == nil {
		root, err := loadTrustedRoot(ctx, r.o, r.client, r.pr)
		if err != nil {
			return nil, err
		}
		r.root = root
	}
	return r.root, nil
}

// loadInstance is the Sigstore instance that signs with root (from
// loadTrustedRoot): its Fulcio and Rekor v1 from the signing config file
// given, staging's from its TUF repository (or its known services), or
// production's.
func loadInstance(ctx context.Context, o sigstoreOptions, root *sigstore.TrustedRoot, client *http.Client) (*sigstore.Instance, error) {
	if o.custom() && o.signingConfig == "" {
		return nil, ui.Usagef("signing with --sigstore-trusted-root needs --sigstore-signing-config (the instance's Fulcio and Rekor)")
	}
	var cfg *sigstore.SigningConfig
	switch {
	case o.custom():
		b, err := localfile.ReadFile(o.signingConfig)
		if err != nil {
			return nil, fmt.Errorf("reading the Sigstore signing config: %w", err)
		}
		if cfg, err = sigstore.ParseSigningConfig(b); err != nil {
			return nil, fmt.Errorf("%s: %w", o.signingConfig, err)
		}
	case o.instance == instanceStaging:
		b, err := tufTarget(ctx, instanceStaging, tufSigningConfig, client)
		if err == nil {
			cfg, err = sigstore.ParseSigningConfig(b)
		}
		if err != nil {
			if !errors.Is(err, tuf.ErrTargetNotFound) {
				return nil, err
			}
			fulcio, _ := url.Parse(stagingServices[0])
			rekor, _ := url.Parse(stagingServices[1])
			return &sigstore.Instance{Fulcio: fulcio, Rekor: rekor, Root: root}, nil
		}
	default:
		inst, err := sigstore.Production()
		if err != nil {
			return nil, err
		}
		inst.Root = root
		return inst, nil
	}
	return sigstore.NewInstance(root, cfg, time.Now())
}
