package audit_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/codegenie/codegenie/audit"
)

func ExampleSeal() {
	stateDir, err := os.MkdirTemp("", "codegenie-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(stateDir)

	report := []byte(`{
  "schema_version": "codegenie.eval.bench_run_report/v1",
  "run_id": "4b1f0c2a9e6d7358",
  "isolation_class": "subprocess",
  "mean_score": 1
}`)
	for range 2 {
		sealed, err := audit.Seal(context.Background(), stateDir, report)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(filepath.Base(sealed.Path), sealed.RecordNumber, sealed.PrevHash == audit.GenesisPrevHash)
	}
	// Output:
	// 00000001.json 1 true
	// 00000002.json 2 false
}

func ExampleVerify() {
	stateDir, err := os.MkdirTemp("", "codegenie-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(stateDir)

	report := []byte(`{"schema_version": "v1", "run_id": "r1", "isolation_class": "subprocess", "mean_score": 0.5}`)
	var head string
	for range 3 {
		sealed, err := audit.Seal(context.Background(), stateDir, report)
		if err != nil {
			log.Fatal(err)
		}
		head = sealed.ChainHead
	}

	// Delete the newest record: the chain alone still verifies, and only the
	// head kept elsewhere reveals the deletion.
	runsDir := filepath.Join(stateDir, "runs")
	if err := os.Remove(filepath.Join(runsDir, "00000003.json")); err != nil {
		log.Fatal(err)
	}
	for _, opts := range []audit.VerifyOptions{{}, {ExpectHead: head}} {
		res, err := audit.Verify(runsDir, opts)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("ok=%v length=%d problems=%d", res.OK, res.Length, len(res.Problems))
		for _, p := range res.Problems {
			fmt.Printf(" %s", p.Kind)
		}
		fmt.Println()
	}
	// Output:
	// ok=true length=2 problems=0
	// ok=false length=2 problems=1 head_mismatch
}
