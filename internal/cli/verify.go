package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/report"
)

func (a *app) verifyCommand() *cobra.Command {
	var stateDir string
	var asJSON bool
	var opts audit.VerifyOptions
	cmd := &cobra.Command{
		Use:   "verify",
		Short: "Verify the audit chain of sealed runs, offline",
		Long: `Walk every record in .codegenie/eval/runs/ and check its file name, JSON,
content_hash, prev_hash, chain_head and numbering. verify never writes. It
reports every problem with the file and the expected and computed values, and
exits 1 when it finds any.

A chain alone cannot show that its newest records were deleted, nor that the
whole chain was rewritten by someone who can write the files. Keep the chain
head elsewhere (a CI artifact, a commit message) and pass it with --expect-head
or --expect-length to detect that.`,
		Example: `  codegenie eval verify
  codegenie eval verify --expect-head 3f1c... --expect-length 12 --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.ExpectLength < 0 {
				return usageErrorf("invalid --expect-length %d: use 1 or more", opts.ExpectLength)
			}
			res, err := audit.Verify(filepath.Join(stateDir, "runs"), opts)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			if asJSON {
				out, err := report.Encode(res)
				if err != nil {
					return err
				}
				a.streams.Out.Write(out)
			} else {
				for _, p := range res.Problems {
					fmt.Fprintf(a.streams.Out, "%s: %s: %s\n", p.Path, p.Kind, p.Message)
					if p.Expected != "" || p.Found != "" {
						fmt.Fprintf(a.streams.Out, "    expected %s\n    found    %s\n", p.Expected, p.Found)
					}
				}
				if res.OK {
					fmt.Fprintf(a.streams.Out, "ok: %s, chain head %s\n", plural(int(res.Length), "record"), res.Head)
				} else {
					fmt.Fprintf(a.streams.Out, "%s in %s\n", plural(len(res.Problems), "problem"), plural(int(res.Length), "record"))
				}
			}
			if !res.OK {
				return silentExit(ExitCheckFailed)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&stateDir, "dir", ".codegenie/eval", "state `DIR` holding runs/")
	f.StringVar(&stateDir, "state-dir", ".codegenie/eval", "the same as --dir, as the other commands spell it")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	f.StringVar(&opts.ExpectHead, "expect-head", "", "chain head `HASH` kept elsewhere; a mismatch is a problem")
	f.Int64Var(&opts.ExpectLength, "expect-length", 0, "expected number of records `N`; a mismatch is a problem")
	return cmd
}

func (a *app) logCommand() *cobra.Command {
	var stateDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "log",
		Short: "List the audit records of the chain",
		Long: `Print one eval_run_audit_record per sealed run, oldest first. With --json each
record is one line of JSON, for programs that walk the chain without parsing
reports.`,
		Example: `  codegenie eval log
  codegenie eval log --json | jq -r .chain_head`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			recs, err := audit.Records(filepath.Join(stateDir, "runs"))
			if err != nil {
				return withCode(ExitUsage, err)
			}
			for _, r := range recs {
				if asJSON {
					line, err := encodeLine(r)
					if err != nil {
						return err
					}
					a.streams.Out.Write(line)
					continue
				}
				fmt.Fprintf(a.streams.Out, "%08d  %s  run %s  %s  %s\n", r.RecordNumber, short(r.ChainHead), r.Payload.RunID, r.IsolationClass, r.Payload.Path)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&stateDir, "dir", ".codegenie/eval", "state `DIR` holding runs/")
	cmd.Flags().StringVar(&stateDir, "state-dir", ".codegenie/eval", "the same as --dir, as the other commands spell it")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print one JSON record per line")
	return cmd
}

// plural returns "1 record" or "3 records".
func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
