package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// maxFuncLines keeps cmd/pyupload wiring: a function that grows past this
// is doing a stage's job, which belongs in that stage's package.
const maxFuncLines = 70

func TestFunctionsStayShort(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	// The benchmark's program is held to the same bound.
	bench, err := filepath.Glob("../bench/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, bench...)
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > maxFuncLines {
				t.Errorf("%s: %s is %d lines; keep cmd/pyupload functions under %d and move the work into its stage", name, fd.Name.Name, n, maxFuncLines)
			}
		}
	}
}
