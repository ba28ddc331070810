package sigstore_test

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/pyupload/pyupload/pkg/sigstore"
)

func ExampleNewStatement() {
	st := sigstore.NewStatement("hello-1.0.tar.gz", sha256.Sum256([]byte("hello")))
	out, _ := json.Marshal(st)
	fmt.Println(string(out))
	// Output:
	// {"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"hello-1.0.tar.gz","digest":{"sha256":"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}}],"predicateType":"https://docs.pypi.org/attestations/publish/v1","predicate":null}
}

func ExampleSameDistribution() {
	fmt.Println(sigstore.SameDistribution("Hello_World-1.0-py2.py3-none-any.whl", "hello_world-1.0.0-py3.py2-none-any.whl"))
	fmt.Println(sigstore.SameDistribution("hello-1.0.tar.gz", "hello-1.1.tar.gz"))
	// Output:
	// true
	// false
}

func ExamplePAE() {
	fmt.Printf("%q\n", sigstore.PAE(sigstore.PayloadType, []byte("{}")))
	// Output:
	// "DSSEv1 28 application/vnd.in-toto+json 2 {}"
}
