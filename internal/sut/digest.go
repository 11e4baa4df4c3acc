package sut

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/gowebpki/jcs"
	"github.com/zeebo/blake3"
)

// Spec identifies a SUT: its command line, the environment variables it
// declares, and an optional version text the user gives.
type Spec struct {
	Name    string
	Argv    []string
	Env     map[string]string
	Version string
}

// Digest returns sut_digest: the BLAKE3-256 hex digest of the RFC 8785
// canonical JSON of {"argv", "env", "program", "version"}, where program is
// the BLAKE3 hex digest of the file argv[0] resolves to (through PATH when it
// has no slash) or "builtin:NAME/VERSION" for a builtin SUT. A program that
// resolves to no file is an error.
func Digest(s Spec, builtins []Builtin) (string, error) {
	if len(s.Argv) == 0 {
		return "", fmt.Errorf("digest SUT: empty command line")
	}
	program, err := programDigest(s.Argv[0], builtins)
	if err != nil {
		return "", err
	}
	env := s.Env
	if env == nil {
		env = map[string]string{}
	}
	doc, err := json.Marshal(map[string]any{
		"argv":    s.Argv,
		"env":     env,
		"program": program,
		"version": s.Version,
	})
	if err != nil {
		return "", fmt.Errorf("digest SUT: %w", err)
	}
	canon, err := jcs.Transform(doc)
	if err != nil {
		return "", fmt.Errorf("digest SUT: %w", err)
	}
	sum := blake3.Sum256(canon)
	return hex.EncodeToString(sum[:]), nil
}

func programDigest(argv0 string, builtins []Builtin) (string, error) {
	if name, ok := strings.CutPrefix(argv0, BuiltinPrefix); ok {
		b, found := FindBuiltin(builtins, name)
		if !found {
			return "", fmt.Errorf("unknown builtin SUT %q (builtins: %s)", name, builtinNames(builtins))
		}
		return BuiltinPrefix + b.Name + "/" + b.Version, nil
	}
	path, err := exec.LookPath(argv0)
	if err != nil {
		return "", fmt.Errorf("digest SUT: program %q not found: %w", argv0, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("digest SUT program %q: %w", path, err)
	}
	defer f.Close()
	h := blake3.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("digest SUT program %q: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func builtinNames(builtins []Builtin) string {
	names := make([]string, len(builtins))
	for i, b := range builtins {
		names[i] = b.Name
	}
	return strings.Join(names, ", ")
}
