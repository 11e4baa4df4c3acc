package hostile

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/codegenie/codegenie/audit"
	"github.com/codegenie/codegenie/internal/bench"
	"github.com/codegenie/codegenie/internal/rubric"
	"github.com/codegenie/codegenie/internal/runner"
	"github.com/codegenie/codegenie/internal/sut"
	"github.com/codegenie/codegenie/report"
)

// scenario is one hostile SUT and what each isolation class must make of
// it. The fields describe subprocess. Under bwrap every attack on files, the
// network or other cases fails, so the victim always scores 1 and the chain
// and the bench stay intact.
type scenario struct {
	name    string
	jobs    int
	timeout time.Duration
	// payloadCheck adds a rubric command that runs payload.sh, written by
	// the SUT, under the run's isolation class.
	payloadCheck bool
	// wantTimeout: the attacker runs into the timeout and is killed.
	wantTimeout bool
	// wantStdoutDropped is how many bytes of the attacker's stdout the cap
	// drops.
	wantStdoutDropped int64
	// Under subprocess: the victim's score, whether the chain no longer
	// verifies, whether sealing fails on the broken chain, whether the
	// bench changed, whether the expectations leaked, whether the TCP
	// connection was made.
	victimScore float64
	breaksChain bool
	sealFails   bool
	editsBench  bool
	leaksSecret bool
	connects    bool
}

// The timeouts leave the attackers time to write their answer first, even
// on a loaded machine where starting bwrap takes a second.
var scenarios = []scenario{
	{name: "hang", timeout: 2 * time.Second, wantTimeout: true, victimScore: 1},
	{name: "ignore-sigterm", timeout: 2 * time.Second, wantTimeout: true, victimScore: 1},
	{name: "fork-burst", victimScore: 1},
	{name: "setsid-daemon", victimScore: 1},
	{name: "flood-stdout", timeout: 30 * time.Second, wantStdoutDropped: 1<<30 - 1<<20, victimScore: 1},
	{name: "write-runs-file", victimScore: 1, breaksChain: true, sealFails: true},
	{name: "overwrite-record", victimScore: 1, breaksChain: true, sealFails: true},
	{name: "write-case-yaml", victimScore: 1, editsBench: true},
	{name: "write-other-case", victimScore: 0, editsBench: true},
	{name: "write-sibling", jobs: 2, victimScore: 0},
	{name: "read-expectations", victimScore: 1, leaksSecret: true},
	{name: "connect-tcp", victimScore: 1, connects: true},
	{name: "rubric-payload", payloadCheck: true, victimScore: 1, breaksChain: true},
}

func TestHostileSUTs(t *testing.T) {
	// subprocess-supervised is the subprocess class on a machine where the
	// harness cannot use cgroups: the launcher supervises each SUT.
	for _, class := range []string{"subprocess", "subprocess-supervised", "bwrap"} {
		t.Run(class, func(t *testing.T) {
			if class == "bwrap" {
				requireBwrap(t)
			}
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) { runScenario(t, class, sc) })
			}
		})
	}
}

func runScenario(t *testing.T, class string, sc scenario) {
	w := newWorld(t, sc.payloadCheck)
	benchBefore := w.benchDigest(t)

	r := w.runner(t, class, "hostile-"+sc.name)
	if sc.jobs > 0 {
		r.Jobs = sc.jobs
	}
	if sc.timeout > 0 {
		r.Timeout = sc.timeout
	}
	start := time.Now()
	sealed, err := runner.RunEval(t.Context(), r)
	t.Logf("%s under %s took %s", sc.name, class, time.Since(start).Round(time.Millisecond))

	// No process of the SUT outlives the run, whatever it did.
	for _, pid := range w.leftovers() {
		t.Errorf("process %d (%s) of the SUT still runs after the run", pid, cmdline(pid))
		syscall.Kill(pid, syscall.SIGKILL)
	}

	contained := class == "bwrap"
	if sc.sealFails && !contained {
		var ce *audit.ChainError
		if !errors.As(err, &ce) {
			t.Errorf("RunEval() error = %v, want a *audit.ChainError: sealing must refuse a chain whose newest record was edited", err)
		}
	} else if err != nil {
		t.Fatalf("RunEval() error = %v", err)
	}

	if sealed != nil {
		rep := sealed.Report
		attacker, victim := w.caseResult(t, rep, attackerCase), w.caseResult(t, rep, victimCase)
		for _, c := range []report.CaseResult{attacker, victim} {
			if len(c.Attempts) != 1 || !c.Attempts[0].Scored {
				t.Fatalf("case %s was not scored: %+v", c.CaseID, c.Attempts)
			}
		}
		if attacker.Score == nil || *attacker.Score != 1 {
			t.Errorf("attacker score = %v, want 1", deref(attacker.Score))
		}
		wantVictim := sc.victimScore
		if contained {
			wantVictim = 1
		}
		if victim.Score == nil || *victim.Score != wantVictim {
			t.Errorf("victim score = %v, want %v; attacker stdout:\n%s", deref(victim.Score), wantVictim, w.stdout(t, attacker))
		}
		if got := attacker.Attempts[0].TimedOut; got != sc.wantTimeout {
			t.Errorf("attacker timed out = %v, want %v", got, sc.wantTimeout)
		}
		if sc.wantStdoutDropped > 0 {
			art := artifact(attacker, "stdout")
			if art.Bytes != r.OutputCap || art.DroppedBytes != sc.wantStdoutDropped {
				t.Errorf("stdout artifact kept %d bytes and dropped %d, want %d and %d", art.Bytes, art.DroppedBytes, r.OutputCap, sc.wantStdoutDropped)
			}
		}
		leaked := strings.Contains(w.stdout(t, attacker), w.secret)
		if want := sc.leaksSecret && !contained; leaked != want {
			t.Errorf("expectations secret in the SUT's stdout = %v, want %v", leaked, want)
		}
	}

	// The chain: verify finds exactly the tampering that got through.
	res, err := audit.Verify(filepath.Join(w.stateDir, "runs"), audit.VerifyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := !(sc.breaksChain && !contained); res.OK != want {
		t.Errorf("audit.Verify() ok = %v, want %v; problems: %v", res.OK, want, res.Problems)
	}

	if changed := w.benchDigest(t) != benchBefore; changed != (sc.editsBench && !contained) {
		t.Errorf("bench changed = %v, want %v", changed, sc.editsBench && !contained)
	}
	if got := w.accepted(); got != (sc.connects && !contained) {
		t.Errorf("TCP connection to %s accepted = %v, want %v", w.listener.Addr(), got, sc.connects && !contained)
	}
}

// world is one scenario's bench, state directory and listener.
type world struct {
	taskDir  string
	stateDir string
	token    string // marks the environment of every process of the SUT
	secret   string // in the expectations of every case
	listener *net.TCPListener
	tc       *bench.TaskClass
}

// newWorld writes a task class with the attacker and the victim case and
// seals one honest run as record 1, so that there is a record to attack.
func newWorld(t *testing.T, payloadCheck bool) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{
		taskDir:  filepath.Join(root, "bench", "hostile-class"),
		stateDir: filepath.Join(root, "state"),
		token:    randomHex(t),
	}
	w.secret = "secret-" + w.token

	task := `schema_version: codegenie.eval.task_class/v1
name: hostile-class
sut:
  name: honest
  argv: ["builtin:honest"]
timeout: 10s
rubric:
  checks:
    - id: answer
      kind: file_equals
      params: {path: answer.txt, expectation: answer}
`
	if payloadCheck {
		task += `    - id: payload
      kind: command
      required: false
      params: {argv: ["sh", "payload.sh"]}
`
	}
	writeFile(t, filepath.Join(w.taskDir, "task.yaml"), task)
	for _, id := range []string{attackerCase, victimCase} {
		dir := filepath.Join(w.taskDir, "cases", id)
		writeFile(t, filepath.Join(dir, "case.yaml"), fmt.Sprintf(
			"schema_version: codegenie.eval.case/v1\ntask: write yes to answer.txt\nexpectations:\n  answer: \"yes\\n\"\n  secret: %s\n", w.secret))
		writeFile(t, filepath.Join(dir, "workspace", "README"), "answer yes\n")
	}
	tc, err := bench.Load(w.taskDir, rubric.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	w.tc = tc

	ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	w.listener = ln

	if _, err := runner.RunEval(t.Context(), w.runner(t, "subprocess", "honest")); err != nil {
		t.Fatalf("seal the honest run: %v", err)
	}
	return w
}

// runner returns a runner of the task class with the named builtin SUT
// under the named isolation class. The SUT's declared environment gives it
// the paths an attacker would look for.
func (w *world) runner(t *testing.T, class, sutName string) *runner.Runner {
	t.Helper()
	return &runner.Runner{
		TaskClass: w.tc,
		SUT: sut.Spec{Name: sutName, Argv: []string{"builtin:" + sutName}, Env: map[string]string{
			envToken:    w.token,
			envStateDir: w.stateDir,
			envTaskDir:  w.taskDir,
			envAddr:     w.listener.Addr().String(),
		}},
		Builtins:  fakes(),
		Isolation: isolation(t, class, w.stateDir, filepath.Dir(w.taskDir)),
		StateDir:  w.stateDir,
		Now:       func() time.Time { return time.Unix(0, 0).UTC() },
		Frozen:    true,
		Timeout:   10 * time.Second,
		Grace:     300 * time.Millisecond,
		OutputCap: 1 << 20,
		Limits:    sut.Limits{CPUSeconds: 60, OpenFiles: 1024, FileBytes: 1 << 30, Processes: 4096},
	}
}

func (w *world) benchDigest(t *testing.T) string {
	t.Helper()
	d, err := bench.TreeDigest(w.taskDir)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// accepted reports whether a connection reached the listener. A connection
// the SUT made waits in the listen backlog, so one Accept finds it.
func (w *world) accepted() bool {
	w.listener.SetDeadline(time.Now().Add(200 * time.Millisecond))
	conn, err := w.listener.Accept()
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// leftovers returns the live processes whose environment holds the
// scenario's token: the supervisor or bwrap, the SUT and everything it
// started, in any PID namespace.
func (w *world) leftovers() []int {
	return processesWithEnv(envToken + "=" + w.token)
}

func (w *world) caseResult(t *testing.T, rep *report.BenchRunReport, id string) report.CaseResult {
	t.Helper()
	for _, c := range rep.PerCase {
		if c.CaseID == id {
			return c
		}
	}
	t.Fatalf("no case %s in the report", id)
	return report.CaseResult{}
}

// stdout returns the stored stdout artifact of a case, cut to 4 KiB.
func (w *world) stdout(t *testing.T, c report.CaseResult) string {
	t.Helper()
	art := artifact(c, "stdout")
	f, err := os.Open(filepath.Join(w.stateDir, art.Path))
	if err != nil {
		return fmt.Sprintf("(stdout artifact: %v)", err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	return string(buf[:n])
}

func artifact(c report.CaseResult, name string) report.Artifact {
	for _, a := range c.Artifacts {
		if a.Name == name {
			return a
		}
	}
	return report.Artifact{}
}

// processesWithEnv returns the pids of live, non-zombie processes whose
// initial environment contains entry, a KEY=VALUE pair.
func processesWithEnv(entry string) []int {
	var pids []int
	matches, _ := filepath.Glob("/proc/[0-9]*/environ")
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil || !bytes.Contains(data, []byte(entry)) {
			continue
		}
		for _, kv := range bytes.Split(data, []byte{0}) {
			if string(kv) != entry {
				continue
			}
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(m)))
			if alive(pid) {
				pids = append(pids, pid)
			}
			break
		}
	}
	return pids
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	fields := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	return len(fields) > 0 && fields[0] != "Z"
}

func cmdline(pid int) string {
	data, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return strings.Join(strings.Split(strings.TrimRight(string(data), "\x00"), "\x00"), " ")
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func randomHex(t *testing.T) string {
	t.Helper()
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
