package iampolicy

import (
	_ "embed" // the checked-in action list
	"strings"
	"sync"
)

// awsActions is the checked-in list of IAM actions, with their access
// levels, of the services the printed roles use (awsactions.tsv; its header
// names the dataset and version it comes from).
//
//go:embed awsactions.tsv
var awsActions string

var (
	levelsOnce sync.Once
	levels     map[string][]string
)

// AccessLevels are the access levels of an IAM action ("Read", "List",
// "Write", "Tagging", "Permissions management"), matched without regard to
// case as IAM matches actions; ok is false for an action AWS does not have.
func AccessLevels(action string) (lv []string, ok bool) {
	levelsOnce.Do(func() {
		levels = map[string][]string{}
		for _, line := range strings.Split(awsActions, "\n") {
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			name, lvs, _ := strings.Cut(line, "\t")
			for _, l := range strings.Split(lvs, ",") {
				levels[strings.ToLower(name)] = append(levels[strings.ToLower(name)], strings.TrimSpace(l))
			}
		}
	})
	lv, ok = levels[strings.ToLower(action)]
	return lv, ok
}

// ReadOnly says whether an action is only Read or List: what a preview role
// may hold.
func ReadOnly(action string) bool {
	lv, ok := AccessLevels(action)
	if !ok {
		return false
	}
	for _, l := range lv {
		if l != "Read" && l != "List" {
			return false
		}
	}
	return true
}
