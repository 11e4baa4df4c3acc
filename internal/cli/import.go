package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegenie/codegenie/internal/distroless"
	"github.com/codegenie/codegenie/internal/vuln"
	"github.com/codegenie/codegenie/report"
)

func (a *app) importCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Turn real-world material into bench cases",
	}
	cmd.AddCommand(a.importOSVCommand(), a.importDockerfilesCommand())
	return cmd
}

func (a *app) importOSVCommand() *cobra.Command {
	var from, out string
	var opts vuln.ImportOptions
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "osv --from DIR --out DIR",
		Short: "Create vuln-remediation cases from OSV records of the Go vulnerability database",
		Long: `Read OSV JSON records (*.json) from --from and write one case per affected
third-party Go module that has a fixed version under --out/cases/. Each case is a
small Go module that requires the module at an affected version. The standard
library and the toolchain are skipped, and so is every record or module the
importer cannot place; each skip is listed with its reason. The cases keep
facts only (ids, aliases, module paths, versions), never the advisory's text.
When --out has no task.yaml, one is written that runs the osv-fix baseline.

Without --resolve-versions only versions named in the records are used: introduced
and last_affected versions, and the tag a pseudo-version fix is built on; a module
with none inside an affected range is skipped. With it, the go command lists each
module's published versions through the module proxy (GOPROXY; this needs network
access) and the newest release inside an affected range is used, or the newest
pre-release when no release lies in one. The versions named in the record fill in
when none is listed in a range or the listing fails; a module for which neither
gives a version is skipped.`,
		Example: `  codegenie bench import osv --from ./osv --out benches/my-vulns
  codegenie bench import osv --from ./osv --out benches/my-vulns --resolve-versions --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || out == "" {
				return usageErrorf("both --from and --out are required")
			}
			rep, err := vuln.ImportContext(cmd.Context(), from, out, opts)
			if err != nil {
				if errors.Is(err, vuln.ErrNoCases) {
					a.printOSVSkips(rep)
				}
				return withCode(ExitUsage, fmt.Errorf("import OSV records from %s: %w", from, err))
			}
			wrote, err := writeDefaultTaskFile(out, vulnTaskTemplate)
			if err != nil {
				return withCode(ExitUsage, err)
			}
			if asJSON {
				data, err := report.Encode(rep)
				if err != nil {
					return err
				}
				a.streams.Out.Write(data)
				return nil
			}
			fmt.Fprintf(a.streams.Out, "read %d records, wrote %d cases to %s, skipped %d\n", rep.Records, len(rep.Cases), filepath.Join(out, "cases"), len(rep.Skipped))
			if wrote {
				fmt.Fprintf(a.streams.Out, "wrote %s\n", filepath.Join(out, "task.yaml"))
			}
			a.printOSVSkips(rep)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&from, "from", "", "directory of OSV JSON records")
	f.StringVar(&out, "out", "", "task class directory to write the cases into")
	f.BoolVar(&opts.ResolveVersions, "resolve-versions", false, "ask the Go module proxy (via the go command) for the newest version inside an affected range")
	f.BoolVar(&asJSON, "json", false, "print the import report as JSON")
	return cmd
}

func (a *app) printOSVSkips(rep vuln.ImportReport) {
	byReason := map[vuln.SkipReason][]vuln.Skip{}
	for _, s := range rep.Skipped {
		byReason[s.Reason] = append(byReason[s.Reason], s)
	}
	reasons := make([]string, 0, len(byReason))
	for r := range byReason {
		reasons = append(reasons, string(r))
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		skips := byReason[vuln.SkipReason(r)]
		fmt.Fprintf(a.streams.Out, "skipped (%s): %d\n", r, len(skips))
		for _, s := range skips {
			what := s.File
			if s.Module != "" {
				what += " " + s.Module
			}
			fmt.Fprintf(a.streams.Out, "  %s: %s\n", what, s.Detail)
		}
	}
}

func (a *app) importDockerfilesCommand() *cobra.Command {
	var from, out string
	cmd := &cobra.Command{
		Use:   "dockerfiles --from DIR --out DIR",
		Short: "Create distroless cases from Dockerfiles",
		Long: `Turn every Dockerfile in --from (files named *.Dockerfile, Dockerfile or
Dockerfile.*) into a distroless case under --out/cases/, with the expectations
(language, entrypoint, artefacts copied from build stages) derived by BuildKit's
parser. Nothing is built or run. Files that cannot become a case are listed with
the reason, and so is what could not be derived. When --out has no task.yaml,
one is written.`,
		Example: `  codegenie bench import dockerfiles --from ./dockerfiles --out benches/my-images`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if from == "" || out == "" {
				return usageErrorf("both --from and --out are required")
			}
			rep, err := distroless.Import(from, out)
			if err != nil {
				return withCode(ExitUsage, fmt.Errorf("import Dockerfiles from %s: %w", from, err))
			}
			fmt.Fprintf(a.streams.Out, "wrote %d cases to %s, skipped %d\n", len(rep.Cases), filepath.Join(out, "cases"), len(rep.Skipped))
			if rep.TaskFileWritten {
				fmt.Fprintf(a.streams.Out, "wrote %s\n", filepath.Join(out, "task.yaml"))
			}
			for _, c := range rep.Cases {
				if len(c.Notes) > 0 {
					fmt.Fprintf(a.streams.Out, "  %s: %s\n", c.ID, strings.Join(c.Notes, "; "))
				}
			}
			for _, s := range rep.Skipped {
				fmt.Fprintf(a.streams.Out, "skipped %s: %s\n", s.Source, s.Reason)
			}
			for _, s := range rep.Stale {
				fmt.Fprintf(a.streams.Out, "left in place (not written by this import): %s\n", s)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&from, "from", "", "directory of Dockerfiles")
	cmd.Flags().StringVar(&out, "out", "", "task class directory to write the cases into")
	return cmd
}

// vulnTaskTemplate is the task.yaml of an imported vuln-remediation task
// class; %s is the task class name.
const vulnTaskTemplate = `schema_version: codegenie.eval.task_class/v1
name: %s
description: >-
  Cases imported from OSV records by codegenie bench import osv. The SUT must
  move each case's requirement out of every affected range of its advisory.
sut:
  name: osv-fix
  argv: ["builtin:osv-fix"]
timeout: 10m
epochs: 1
gate:
  threshold: 0.8
rubric:
  scoring: binary
  checks:
    - id: remediated
      kind: go_mod_remediation
`

// writeDefaultTaskFile writes dir/task.yaml from template unless it exists,
// and reports whether it wrote it.
func writeDefaultTaskFile(dir, template string) (bool, error) {
	path := filepath.Join(dir, "task.yaml")
	if _, err := os.Stat(path); err == nil {
		return false, nil
	}
	name := filepath.Base(filepath.Clean(dir))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return false, fmt.Errorf("write default task.yaml: %w", err)
	}
	if _, err := fmt.Fprintf(f, template, name); err != nil {
		f.Close()
		return false, fmt.Errorf("write default task.yaml: %w", err)
	}
	return true, f.Close()
}
