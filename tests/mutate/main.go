// Command mutate applies each mutation of Mutations to a copy of the
// working tree, runs the tests that should notice it, and reports it killed
// (with the tests that failed) or survived. It never touches the tree it
// runs from. `make mutate`; not part of `make test` (about a minute a
// mutation).
//
//	go run ./tests/mutate [-only substring] [-all] [-list]
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

func main() {
	only := flag.String("only", "", "run only the mutations whose name contains this")
	all := flag.Bool("all", false, "run both modules' whole suites for each mutation instead of its own tests")
	list := flag.Bool("list", false, "list the mutations and exit")
	flag.Parse()
	if *list {
		for _, m := range Mutations {
			fmt.Printf("%s\t%s\n", m.File, m.Name)
		}
		return
	}
	src, err := os.Getwd()
	if err == nil {
		src, err = repoRoot(src)
	}
	if err != nil {
		fail(err)
	}
	work, err := os.MkdirTemp("", "xaccount-mutate-")
	if err != nil {
		fail(err)
	}
	defer func() { _ = os.RemoveAll(work) }()
	if err := copyTree(src, work); err != nil {
		fail(err)
	}
	survived := 0
	for _, m := range Mutations {
		if !strings.Contains(m.Name, *only) {
			continue
		}
		runs := m.Runs
		if *all {
			runs = []Run{root("./..."), engine("./...")}
		}
		start := time.Now()
		o := apply(work, m, runs)
		fmt.Printf("%-9s %-95s %6s  %s\n", o.verdict, m.Name, time.Since(start).Round(time.Second), o.detail)
		if o.verdict != killed {
			survived++
		}
	}
	if survived > 0 {
		fmt.Printf("%d mutation(s) not killed\n", survived)
		os.Exit(1)
	}
}

// Verdicts of one mutation.
const (
	killed   = "KILLED"
	survives = "SURVIVED"
	invalid  = "INVALID" // does not apply, or does not build
)

// outcome is a mutation's verdict and what decided it.
type outcome struct{ verdict, detail string }

// apply mutates the copy in work, runs the tests and restores the file.
func apply(work string, m Mutation, runs []Run) outcome {
	path := filepath.Join(work, m.File)
	orig, err := os.ReadFile(path) //nolint:gosec // a file of the copy
	if err != nil {
		return outcome{invalid, err.Error()}
	}
	mutated, err := Mutate(string(orig), m)
	if err != nil {
		return outcome{invalid, err.Error()}
	}
	if err := os.WriteFile(path, []byte(mutated), 0o600); err != nil { //nolint:gosec // a file of the copy, named by the mutation list
		return outcome{invalid, err.Error()}
	}
	defer func() { _ = os.WriteFile(path, orig, 0o600) }() //nolint:gosec // as above
	var failed []string
	for _, r := range runs {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
		cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-count=1"}, r.Args...)...) //nolint:gosec // the mutation list's own arguments
		cmd.Dir = filepath.Join(work, r.Dir)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		cancel()
		if err == nil {
			continue
		}
		tests := FailedTests(out.String())
		if len(tests) == 0 {
			return outcome{invalid, "no test failed but go test did (build error?): " + lastLines(out.String(), 5)}
		}
		failed = append(failed, tests...)
	}
	if len(failed) == 0 {
		return outcome{survives, "every test passed"}
	}
	return outcome{killed, strings.Join(failed, ", ")}
}

// Mutate replaces m.From, which must occur exactly once, by m.To.
func Mutate(src string, m Mutation) (string, error) {
	if m.From == m.To {
		return "", errors.New("the mutation changes nothing: from and to are the same")
	}
	switch n := strings.Count(src, m.From); n {
	case 1:
		return strings.Replace(src, m.From, m.To, 1), nil
	case 0:
		return "", fmt.Errorf("%s no longer holds %q: update the mutation", m.File, m.From)
	default:
		return "", fmt.Errorf("%s holds %q %d times: make it unique", m.File, m.From, n)
	}
}

var failLine = regexp.MustCompile(`(?m)^\s*--- FAIL: (\S+)`)

// FailedTests are the tests go test's output reports failed.
func FailedTests(out string) []string {
	var names []string
	for _, m := range failLine.FindAllStringSubmatch(out, -1) {
		names = append(names, m[1])
	}
	return names
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// repoRoot walks up from dir to the folder holding go.mod and Pulumi.yaml.
func repoRoot(dir string) (string, error) {
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "Pulumi.yaml")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				return d, nil
			}
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no repository root (go.mod and Pulumi.yaml) above %s", dir)
		}
	}
}

// copyTree copies the working tree without .git; .cache (the Pulumi CLI the
// engine tests build) is linked, not copied.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		target := filepath.Join(dst, rel)
		switch {
		// In a git worktree .git is a file and .cache may be a link: SkipDir
		// on a file would skip the rest of the repository's root.
		case rel == ".git":
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case rel == ".cache":
			if err := os.Symlink(path, target); err != nil { //nolint:gosec // a fresh temporary copy nobody else writes
				return err
			}
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		case d.IsDir():
			return os.MkdirAll(target, 0o750)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(path) //nolint:gosec // the tree being copied
		if err != nil {
			return err
		}
		defer func() { _ = in.Close() }()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, d.Type().Perm()|0o600) //nolint:gosec // the copy
		if err != nil {
			return err
		}
		_, err = io.Copy(out, in)
		return errors.Join(err, out.Close())
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "mutate:", err)
	os.Exit(2)
}
