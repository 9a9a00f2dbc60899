package engine

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// treeRun is one command measured with every process it starts.
type treeRun struct {
	elapsed time.Duration
	// peakBytes is the largest sum of resident memory over the command and
	// its descendants seen at once (sampled every 20 ms from /proc).
	peakBytes int64
	// byCommand is the largest resident memory seen per command name
	// (several processes of one name, e.g. the providers, summed).
	byCommand map[string]int64
	// alive is the most processes of each command name seen at once.
	alive map[string]int
	// cpu is the user and system time of the command and every descendant
	// it waited for (the engine waits for its plugins).
	cpu time.Duration
	out []byte
	err error
}

// runTree runs cmd to completion and samples the resident memory of its
// process tree until it exits.
func runTree(cmd *exec.Cmd) treeRun {
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return treeRun{err: err}
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var peak int64
	byCommand := map[string]int64{}
	alive := map[string]int{}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		rss, perCommand, count := treeRss(cmd.Process.Pid)
		peak = max(peak, rss)
		for name, n := range perCommand {
			byCommand[name] = max(byCommand[name], n)
		}
		for name, n := range count {
			alive[name] = max(alive[name], n)
		}
		select {
		case err := <-done:
			var cpu time.Duration
			if cmd.ProcessState != nil {
				cpu = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
			}
			return treeRun{elapsed: time.Since(start), peakBytes: peak, byCommand: byCommand, alive: alive, cpu: cpu, out: []byte(out.String()), err: err}
		case <-tick.C:
		}
	}
}

// treeRss sums the resident memory of root and its descendants, in all and
// per command name, and counts the processes of each name.
func treeRss(root int) (int64, map[string]int64, map[string]int) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, nil, nil
	}
	children := map[int][]int{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if ppid, ok := parentPid(pid); ok {
			children[ppid] = append(children[ppid], pid)
		}
	}
	page := int64(os.Getpagesize())
	var total int64
	perCommand := map[string]int64{}
	count := map[string]int{}
	for queue := []int{root}; len(queue) > 0; queue = queue[1:] {
		pid := queue[0]
		if b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "statm")); err == nil {
			if f := strings.Fields(string(b)); len(f) > 1 {
				pages, _ := strconv.ParseInt(f[1], 10, 64)
				total += pages * page
				name := commandName(pid)
				perCommand[name] += pages * page
				count[name]++
			}
		}
		queue = append(queue, children[pid]...)
	}
	return total, perCommand, count
}

// commandName is the file name the process was started as (argv[0]):
// /proc/<pid>/comm keeps 15 characters only, which cannot tell
// pulumi-resource-aws from pulumi-resource-xaccount.
func commandName(pid int) string {
	if b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline")); err == nil && len(b) > 0 {
		if argv0, _, _ := strings.Cut(string(b), "\x00"); argv0 != "" {
			return filepath.Base(argv0)
		}
	}
	comm, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm"))
	return strings.TrimSpace(string(comm))
}

// parentPid reads the parent of pid from /proc/<pid>/stat (the field after
// the state, which follows the command name in parentheses).
func parentPid(pid int) (int, bool) {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return 0, false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 2 {
		return 0, false
	}
	ppid, err := strconv.Atoi(f[1])
	return ppid, err == nil
}
