// Command regen_eval_snapshot rewrites the golden snapshots of the wire
// shapes from a run of the stub task class. Run it from the repository root:
//
//	go run ./scripts/regen_eval_snapshot
//
// With --tamper-stub it writes a deliberately changed report snapshot, so
// that the drift diagnostic of the snapshot test can be seen. A normal
// regeneration restores it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/internal/snapshot"
	"github.com/codegenie/codegenie/internal/sut"
)

func main() {
	sut.MaybeLaunch(os.Args[1:], cli.Builtins())
	tamper := flag.Bool("tamper-stub", false, "write a deliberately changed report snapshot to show the drift diagnostic")
	root := flag.String("root", ".", "repository root")
	flag.Parse()
	if err := run(*root, *tamper); err != nil {
		fmt.Fprintf(os.Stderr, "regen_eval_snapshot: %v\n", err)
		os.Exit(1)
	}
}

func run(root string, tamper bool) error {
	if _, err := os.Stat(filepath.Join(root, snapshot.StubTaskClass, "task.yaml")); err != nil {
		return fmt.Errorf("run from the repository root, or pass --root: %w", err)
	}
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	docs, err := snapshot.Produce(context.Background(), root, []string{exe, sut.LaunchCommand})
	if err != nil {
		return err
	}
	written, err := snapshot.Write(root, docs, tamper)
	for _, p := range written {
		fmt.Printf("wrote %s\n", p)
	}
	if err != nil {
		return err
	}
	if tamper {
		fmt.Printf("the report snapshot is changed on purpose: 'go test ./tests/snapshots' now shows the drift diagnostic; restore it with %s\n", snapshot.RegenCommand)
	}
	return nil
}
