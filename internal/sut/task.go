// Package sut starts the program under test (the SUT) for one case attempt:
// a fresh workspace, the task on stdin and in CODEGENIE_TASK, a declared
// minimal environment, captured and capped output, a timeout that kills the
// whole process group, and the isolation class that confines it.
package sut

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
)

// TaskSchemaVersion is the schema version of the task JSON a SUT receives.
const TaskSchemaVersion = "codegenie.eval.sut_task/v1"

// Task is the JSON document a SUT receives on stdin and in the file named by
// CODEGENIE_TASK. It never contains the case's expectations.
//
//	{"case_id": "c001", "epoch": 1, "metadata": {}, "schema_version": "codegenie.eval.sut_task/v1",
//	 "seed": 0, "task": "Bump the module ...", "task_class": "vuln-remediation"}
//
// Readers ignore members they do not know; an incompatible change raises the
// /vN of schema_version.
type Task struct {
	SchemaVersion string         `json:"schema_version"`
	CaseID        string         `json:"case_id"`
	TaskClass     string         `json:"task_class"`
	Epoch         int            `json:"epoch"`
	Seed          int64          `json:"seed"`
	Task          string         `json:"task"`
	Metadata      map[string]any `json:"metadata"`
}

// ReadTask reads the task of the current attempt from the file named by
// CODEGENIE_TASK, as a SUT would.
func ReadTask() (Task, error) {
	path := os.Getenv("CODEGENIE_TASK")
	if path == "" {
		return Task{}, fmt.Errorf("CODEGENIE_TASK is not set: this program runs as a SUT under codegenie eval")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Task{}, fmt.Errorf("read task file: %w", err)
	}
	var t Task
	if err := json.Unmarshal(data, &t); err != nil {
		return Task{}, fmt.Errorf("parse task file %q: %w", path, err)
	}
	return t, nil
}

// Builtin is a SUT compiled into the codegenie binary, such as a task class's
// baseline. It runs in a child process ("codegenie eval sut-builtin NAME")
// under the same isolation class as any SUT, with its working directory set
// to the workspace. A task class names it with argv ["builtin:NAME"].
type Builtin struct {
	Name string
	// Version identifies the builtin's behaviour. It replaces the program's
	// bytes in sut_digest, so that the digest does not change with every
	// build of codegenie. Bump it whenever the behaviour changes.
	Version string
	Run     func(ctx context.Context, task Task, stdout, stderr io.Writer) error
}

// BuiltinPrefix marks argv[0] of a builtin SUT.
const BuiltinPrefix = "builtin:"
