package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkStartup runs the built codegenie binary on a task class of one
// case whose SUT is /bin/true, from process start to sealed record: the
// fixed cost of a run before and after its cases.
func BenchmarkStartup(b *testing.B) {
	dir := b.TempDir()
	bin := filepath.Join(dir, "codegenie")
	build := exec.Command("go", "build", "-o", bin, "../../cmd/codegenie")
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	class := filepath.Join(dir, "bench", "one")
	os.MkdirAll(filepath.Join(class, "cases", "c1", "workspace"), 0o755)
	os.WriteFile(filepath.Join(class, "task.yaml"), []byte(`schema_version: codegenie.eval.task_class/v1
name: one
sut:
  name: true
  argv: ["/bin/true"]
rubric:
  checks:
    - id: ran
      kind: file_exists
      params: {path: .keep}
`), 0o644)
	os.WriteFile(filepath.Join(class, "cases", "c1", "case.yaml"), []byte("schema_version: codegenie.eval.case/v1\ntask: nothing\n"), 0o644)
	os.WriteFile(filepath.Join(class, "cases", "c1", "workspace", ".keep"), nil, 0o644)

	state := filepath.Join(dir, "state")
	for b.Loop() {
		cmd := exec.Command(bin, "eval", "run", "one", "--bench", filepath.Join(dir, "bench"), "--state-dir", state, "--json")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("codegenie eval run: %v\n%s", err, out)
		}
	}
}
