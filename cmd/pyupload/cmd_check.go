package main

import (
	"context"

	"github.com/urfave/cli/v3"

	"github.com/pyupload/pyupload/internal/preflight"
	"github.com/pyupload/pyupload/internal/ui"
)

func checkCommand(pr *ui.Printer) *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "check distributions against the index's rules without uploading",
		ArgsUsage: "DIST...",
		Flags:     append(reportFlags(), noColorFlag()),
		Action: func(ctx context.Context, cmd *cli.Command) error {
			args := cmd.Args().Slice()
			if len(args) == 0 {
				return ui.Usagef("check needs at least one distribution, e.g. pyupload check dist/*")
			}
			return runCheck(ctx, args, cmd.Bool("strict"), cmd.Bool("json"), pr)
		},
	}
}

// runCheck checks every file and prints twine check's report (or JSON).
func runCheck(ctx context.Context, args []string, strict, asJSON bool, pr *ui.Printer) error {
	report, err := preflight.Check(ctx, args, strict)
	if err != nil {
		return err
	}
	if err := pr.CheckReport(report, asJSON); err != nil {
		return err
	}
	if report.Failed() {
		return ui.ErrChecksFailed
	}
	return nil
}
