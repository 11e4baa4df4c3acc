// Package hostile runs SUTs that attack the harness: they hang, ignore
// SIGTERM, fork, daemonize, flood their output, tamper with the state
// directory and the bench, read the rubric's expectations and open network
// connections. Each scenario runs under every isolation class and checks
// what the harness contained and what only the audit chain detects.
package hostile

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/codegenie/codegenie/internal/stubsut"
	"github.com/codegenie/codegenie/internal/sut"
)

// The cases of the hostile task class. The attacker runs the scenario, and
// the victim only writes its answer, so that the test can tell whether the
// attack reached another case.
const (
	attackerCase = "c01"
	victimCase   = "c02"
)

// Environment variables the test declares for the SUT: the layout that an
// attacker familiar with codegenie would find by itself.
const (
	envToken    = "HOSTILE_TOKEN"     // marks every process of one scenario
	envStateDir = "HOSTILE_STATE_DIR" // the runner's StateDir
	envTaskDir  = "HOSTILE_TASK_DIR"  // the task class directory in the bench
	envAddr     = "HOSTILE_ADDR"      // a TCP listener of the test on 127.0.0.1
)

// poll is how long the attacks that wait for another attempt look for it.
const poll = 1500 * time.Millisecond

func TestMain(m *testing.M) {
	sut.MaybeLaunch(os.Args[1:], fakes())
	os.Exit(runTests(m))
}

type fakeRun func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error

// fakes returns the stub SUT and the hostile fakes, run by the test binary
// acting as the launcher (the helper-process pattern of os/exec's tests).
func fakes() []sut.Builtin {
	b := stubsut.Builtins()
	add := func(name string, run fakeRun) {
		b = append(b, sut.Builtin{Name: name, Version: "test", Run: run})
	}
	// attack wraps a scenario: in the victim case it only writes the
	// answer, and in the attacker case it writes the answer and attacks.
	attack := func(name string, run fakeRun) {
		add("hostile-"+name, func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
			if task.CaseID != attackerCase {
				return answer()
			}
			return run(ctx, task, stdout, stderr)
		})
	}

	add("honest", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error { return answer() })
	add("hostile-child", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		signal.Ignore(syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
		for {
			time.Sleep(time.Hour)
		}
	})

	attack("hang", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		// The answer comes only on SIGTERM: a score of 1 shows that the
		// SUT got SIGTERM and its grace period before the workspace was
		// scored.
		<-ctx.Done()
		return answer()
	})
	attack("ignore-sigterm", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		signal.Ignore(syscall.SIGTERM)
		if err := answer(); err != nil {
			return err
		}
		for {
			time.Sleep(time.Hour)
		}
	})
	attack("fork-burst", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		for range 50 {
			if err := startChild(false); err != nil {
				return err
			}
		}
		return answer()
	})
	attack("setsid-daemon", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		if err := startChild(true); err != nil {
			return err
		}
		return answer()
	})
	attack("flood-stdout", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		if err := answer(); err != nil {
			return err
		}
		chunk := bytes.Repeat([]byte("x"), 1<<20)
		for range 1024 {
			if _, err := stdout.Write(chunk); err != nil {
				return err
			}
		}
		return nil
	})
	attack("write-runs-file", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		path := filepath.Join(os.Getenv(envStateDir), "runs", "00000099.json")
		logAttack(stdout, "write "+path, os.WriteFile(path, []byte("{}\n"), 0o644))
		return answer()
	})
	attack("overwrite-record", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		path := filepath.Join(os.Getenv(envStateDir), "runs", "00000001.json")
		data, err := os.ReadFile(path)
		if err == nil {
			// Rename the task class in the sealed record: valid JSON whose
			// content no longer matches its content_hash.
			data = bytes.Replace(data, []byte(`"hostile-class"`), []byte(`"hostile-clasz"`), 1)
			err = os.WriteFile(path, data, 0o644)
		}
		logAttack(stdout, "overwrite "+path, err)
		return answer()
	})
	attack("write-case-yaml", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		path := filepath.Join(os.Getenv(envTaskDir), "cases", task.CaseID, "case.yaml")
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err == nil {
			_, err = f.WriteString("# edited by the SUT\n")
			f.Close()
		}
		logAttack(stdout, "append to "+path, err)
		return answer()
	})
	attack("write-other-case", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		path := filepath.Join(os.Getenv(envTaskDir), "cases", victimCase, "workspace", "answer.txt")
		logAttack(stdout, "write "+path, os.WriteFile(path, []byte("no\n"), 0o644))
		return answer()
	})
	add("hostile-write-sibling", writeSibling)
	attack("read-expectations", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		path := filepath.Join(os.Getenv(envTaskDir), "cases", task.CaseID, "case.yaml")
		data, err := os.ReadFile(path)
		logAttack(stdout, "read "+path, err)
		stdout.Write(data)
		return answer()
	})
	attack("connect-tcp", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		conn, err := net.DialTimeout("tcp", os.Getenv(envAddr), time.Second)
		if err == nil {
			_, err = conn.Write([]byte("hello\n"))
			conn.Close()
		}
		logAttack(stdout, "connect "+os.Getenv(envAddr), err)
		return answer()
	})
	attack("rubric-payload", func(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
		// The rubric runs payload.sh. The SUT writes the state directory's
		// path into it, because the rubric's environment does not carry it.
		target := filepath.Join(os.Getenv(envStateDir), "runs", "payload-was-here")
		script := fmt.Sprintf("echo pwned > '%s'\n", target)
		if err := os.WriteFile("payload.sh", []byte(script), 0o644); err != nil {
			return err
		}
		return answer()
	})
	return b
}

// answer writes the expected answer unless answer.txt exists already, so
// that an attack that planted a wrong answer in a case shows in its score.
func answer() error {
	f, err := os.OpenFile("answer.txt", os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if os.IsExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := f.WriteString("yes\n"); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// logAttack prints the outcome of one attack to stdout, which the harness
// keeps as an artifact for the test's failure messages.
func logAttack(w io.Writer, action string, err error) {
	if err != nil {
		fmt.Fprintf(w, "attack failed: %s: %v\n", action, err)
		return
	}
	fmt.Fprintf(w, "attack succeeded: %s\n", action)
}

// startChild starts the hostile-child fake, which ignores SIGTERM and
// sleeps, and does not wait for it. With setsid it leaves the SUT's session
// and process group, as a daemon does, and keeps stdout open.
func startChild(setsid bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, sut.LaunchCommand, "--", "builtin:hostile-child")
	cmd.Stdout = os.Stdout
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: setsid}
	return cmd.Start()
}

// writeSibling runs in both cases at once (-j 2). The attacker finds the
// victim's workspace copy from its own task file, whose path is
// <run scratch>/<case>.<epoch>.<try>/task.json, and plants a wrong answer
// once the victim has written its own. The victim answers and waits up to
// poll for the change.
func writeSibling(ctx context.Context, task sut.Task, stdout, stderr io.Writer) error {
	if task.CaseID != attackerCase {
		if err := answer(); err != nil {
			return err
		}
		for deadline := time.Now().Add(poll); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if data, _ := os.ReadFile("answer.txt"); string(data) != "yes\n" {
				break
			}
		}
		return nil
	}
	// The layout is <run scratch>/<case>.<epoch>.<try>/{workspace,home,task.json}.
	runScratch := filepath.Dir(filepath.Dir(os.Getenv("CODEGENIE_TASK")))
	pattern := filepath.Join(runScratch, victimCase+".*", "workspace", "answer.txt")
	var err error = fmt.Errorf("no file matches %s", pattern)
	for deadline := time.Now().Add(poll); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		// Overwrite the victim's answer only once it is there, or the
		// victim would write its own over the attack.
		if matches, _ := filepath.Glob(pattern); len(matches) > 0 {
			if data, _ := os.ReadFile(matches[0]); string(data) == "yes\n" {
				err = os.WriteFile(matches[0], []byte("no\n"), 0o644)
				break
			}
		}
	}
	logAttack(stdout, "write "+pattern, err)
	return answer()
}
