// Package pyoracle runs a Python script as the oracle of a differential
// test: requests go to its stdin as JSON lines, one JSON answer per line
// comes back. The interpreter is Debian's /usr/bin/python3 (3.11.2 with the
// newer special-purpose address tables), never the python3 first on PATH.
// The script only defines MAKERS, one function per kind of request; the
// protocol and the error answers are serve.py's, shared by every oracle.
package pyoracle

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
)

//go:embed serve.py
var serve string

// Python is the interpreter the differential tests trust.
const Python = "/usr/bin/python3"

// Run sends every request to script and returns the answers in order. A
// missing interpreter skips the test, or fails it under CI=true.
func Run(tb testing.TB, script string, requests []any) []json.RawMessage {
	tb.Helper()
	if _, err := os.Stat(Python); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("%s is missing: apt-get install python3", Python)
		}
		tb.Skipf("%s is missing: apt-get install python3 to run the differential test", Python)
	}
	var in bytes.Buffer
	enc := json.NewEncoder(&in)
	for _, r := range requests {
		if err := enc.Encode(r); err != nil {
			tb.Fatalf("encode %v: %v", r, err)
		}
	}
	cmd := exec.Command(Python, "-c", serve, script)
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8", "PYTHONHASHSEED=0")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s", Python, script, err, stderr.String())
	}
	var answers []json.RawMessage
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		answers = append(answers, json.RawMessage(append([]byte(nil), sc.Bytes()...)))
	}
	if len(answers) != len(requests) {
		tb.Fatalf("%s answered %d of %d requests\n%s", script, len(answers), len(requests), stderr.String())
	}
	return answers
}

// Canonical re-encodes a JSON value with sorted keys, for comparison.
func Canonical(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	var generic any
	if err := json.Unmarshal(b, &generic); err != nil {
		tb.Fatalf("unmarshal: %v", err)
	}
	b, _ = json.Marshal(generic)
	return string(b)
}
