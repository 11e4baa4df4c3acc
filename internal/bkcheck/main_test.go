package bkcheck
import (
 "testing"
 "strings"
 "github.com/moby/buildkit/frontend/dockerfile/parser"
 "github.com/moby/buildkit/frontend/dockerfile/instructions"
 "gonum.org/v1/gonum/stat/distuv"
 "github.com/zeebo/blake3"
 "github.com/gowebpki/jcs"
 "github.com/santhosh-tekuri/jsonschema/v6"
 "github.com/gofrs/flock"
 "github.com/spf13/cobra"
 "github.com/google/go-cmp/cmp"
 "go.yaml.in/yaml/v3"
 "golang.org/x/mod/modfile"
 "golang.org/x/term"
)
var _ = []any{distuv.Beta{}, blake3.New, jcs.Transform, jsonschema.NewCompiler, flock.New, cobra.Command{}, cmp.Diff, yaml.Unmarshal, modfile.Parse, term.IsTerminal}
func TestX(t *testing.T){
 r, err := parser.Parse(strings.NewReader("FROM golang AS b\nRUN x\nFROM alpine\nCOPY --from=b /a /a\nCMD [\"/a\"]\n"))
 if err!=nil{t.Fatal(err)}
 st, _, err := instructions.Parse(r.AST, nil)
 if err!=nil{t.Fatal(err)}
 t.Log(len(st), st[1].BaseName)
}
