package sut

import (
	"os"
	"testing"
)

func TestParseStat(t *testing.T) {
	tests := []struct {
		name string
		line string
		want procEntry
	}{
		{
			name: "plain",
			line: "42 (sleep) S 7 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 123456 1000 10 18446744073709551615",
			want: procEntry{pid: 42, ppid: 7, pgid: 42, start: 123456},
		},
		{
			name: "name with spaces and brackets",
			line: "43 (a) b (c) Z 1 9 9 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 99 0 0 0",
			want: procEntry{pid: 43, ppid: 1, pgid: 9, start: 99, zombie: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStat(tt.want.pid, []byte(tt.line))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parseStat(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"", "42 (x", "42 (x) S 1 2"} {
		if _, err := parseStat(42, []byte(bad)); err == nil {
			t.Errorf("parseStat(%q) error = nil, want an error", bad)
		}
	}
}

func TestDescendantsOf(t *testing.T) {
	procs := []procEntry{
		{pid: 1, ppid: 0}, {pid: 10, ppid: 1}, {pid: 11, ppid: 10}, {pid: 12, ppid: 11},
		{pid: 13, ppid: 10}, {pid: 20, ppid: 1},
	}
	got := map[int]int{}
	for p, depth := range descendantsOf(10, procs) {
		got[p.pid] = depth
	}
	want := map[int]int{11: 1, 12: 2, 13: 1}
	if len(got) != len(want) {
		t.Fatalf("descendantsOf(10) = %v, want %v", got, want)
	}
	for pid, depth := range want {
		if got[pid] != depth {
			t.Errorf("descendantsOf(10)[%d] = %d, want %d", pid, got[pid], depth)
		}
	}
}

func TestReadProcSelf(t *testing.T) {
	p, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.ppid != os.Getppid() || p.start == 0 || p.zombie {
		t.Errorf("readProc(self) = %+v, want ppid %d, a start time, not a zombie", p, os.Getppid())
	}
}
