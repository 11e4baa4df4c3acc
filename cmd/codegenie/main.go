// Command codegenie evaluates AI coding agents: see "codegenie --help".
package main

import (
	"context"
	"os"

	"golang.org/x/term"

	"github.com/codegenie/codegenie/internal/cli"
	"github.com/codegenie/codegenie/internal/sut"
)

func main() {
	sut.MaybeLaunch(os.Args[1:], cli.Builtins())
	streams := cli.Streams{
		In:            os.Stdin,
		Out:           os.Stdout,
		Err:           os.Stderr,
		ErrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:], streams))
}
