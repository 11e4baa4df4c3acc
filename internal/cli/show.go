package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func (a *app) showCommand() *cobra.Command {
	var stateDir string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "show [RECORD]",
		Aliases: []string{"report"},
		Short:   "Show a sealed run: summary and per-case results",
		Long: `Show a sealed run. RECORD is a record file path or a record number; the
default is the newest record. With --json the record is printed as stored.`,
		Example: `  codegenie eval show
  codegenie eval show 3 --json`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref := ""
			if len(args) == 1 {
				ref = args[0]
			}
			path, rep, err := loadRecord(stateDir, ref)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			if asJSON {
				out, err := encodeReport(rep)
				if err != nil {
					return err
				}
				a.streams.Out.Write(out)
				return nil
			}
			printSummary(a.streams.Out, rep, path, nil)
			fmt.Fprintln(a.streams.Out)
			tw := tabwriter.NewWriter(a.streams.Out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CASE\tSTATUS\tSCORE\tFAILURE MODES")
			for _, c := range rep.PerCase {
				var modes []string
				for _, fm := range c.FailureModes {
					modes = append(modes, fm.ID+"("+fm.Severity+")")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.CaseID, c.Status, formatOptional(c.Score), strings.Join(modes, " "))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&stateDir, "state-dir", ".codegenie/eval", "state `DIR` holding runs/")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the record as JSON")
	return cmd
}
