// Command hang is an external SUT for the interruption tests. It starts a
// copy of itself in a new session, as a daemon does, and then both ignore
// SIGTERM, SIGINT and SIGHUP and sleep until they are killed.
package main

import (
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	signal.Ignore(syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	if len(os.Args) < 2 || os.Args[1] != "daemon" {
		exe, err := os.Executable()
		if err != nil {
			os.Exit(1)
		}
		daemon := exec.Command(exe, "daemon")
		daemon.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := daemon.Start(); err != nil {
			os.Exit(1)
		}
	}
	for {
		time.Sleep(time.Hour)
	}
}
