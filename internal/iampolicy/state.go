package iampolicy

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/xaccount/xaccount-api/internal/awspartition"
)

// The DIY state backend's layout, as Pulumi v3.274.1 writes it under the
// backend's root (s3://<bucket>/<prefix>, project mode, meta.yaml version
// 1; pulumi/pulumi pkg/backend/diy: store.go projectReferenceStore, state.go,
// lock.go, meta.go, stack_tags.go):
//
//	.pulumi/meta.yaml                                          read when the backend opens
//	.pulumi/stacks/<project>/<stack>.json[.gz|.zst]            the checkpoint; an up lists the
//	                                                           bucket with exactly this prefix
//	                                                           (stackPath) and reads, copies and
//	                                                           writes it
//	.pulumi/stacks/<project>/<stack>.json[.gz|.zst].bak        the copy saveCheckpoint keeps
//	.pulumi/stacks/<project>/<stack>.pulumi-tags               the stack's tags, read by every
//	                                                           preview and up (getTarget)
//	.pulumi/history/<project>/<stack>/<stack>-<ns>.{history,checkpoint}.json[…]   written by an up
//	.pulumi/backups/<project>/<stack>/<stack>.<ns>.json[…]    written by an up
//	.pulumi/locks/organization/<project>/<stack>/<id>.json     an up's lock: the directory is
//	                                                           listed and read, the lock written
//	                                                           and deleted
//
// A preview (and preview --refresh) takes no lock and writes nothing
// (diyBackend.Preview; apply uses a DiscardPersister and skips history and
// backups on a dry run). A stack reference (and pulumi stack output) lists
// the referenced stack's checkpoint prefix and reads the checkpoint
// (backendClient.GetStackOutputs, getSnapshotStackOutputs).
const (
	stateRoot         = ".pulumi/"
	stateOrganization = "organization"
)

// checkpointSuffixes are the checkpoint's file names after the stack name:
// plain, gzip and zstd (encoding.GZIPExt, ZSTDExt; PULUMI_DIY_BACKEND_GZIP
// and a later change of compression switch between them).
var checkpointSuffixes = []string{".json", ".json.gz", ".json.zst"}

// bucketPattern is S3's general purpose bucket name: 3 to 63 characters,
// lower-case letters, digits, dots and hyphens, beginning and ending with a
// letter or digit ("General purpose bucket naming rules", Amazon S3 user
// guide).
var bucketPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// prefixSegment is one folder of the state prefix: the characters S3 lists
// as safe in object keys ("Naming Amazon S3 objects", safe characters)
// without '*', which IAM reads as a wildcard in a Resource and in
// StringLike (as it reads '?'); '$' is refused too ("${…}" is a policy
// variable).
var prefixSegment = regexp.MustCompile(`^[A-Za-z0-9!_.'()-]+$`)

// NormalizeStatePrefix is the key prefix of a DIY backend at
// s3://<bucket>/<prefix>, as Pulumi opens it: without a leading slash and
// with a trailing one (newDIYBackend: blob.PrefixedBucket with the URL's
// path, "/" added), so that "xa", "/xa" and "xa/" are the folder "xa/" and
// never also "xa-other/". The empty prefix is the bucket's root. A prefix
// IAM or S3 would read otherwise (a wildcard, a policy variable, an empty
// or relative folder) is an error that says what is expected.
func NormalizeStatePrefix(prefix string) (string, error) {
	p := strings.TrimSuffix(strings.TrimPrefix(prefix, "/"), "/")
	if p == "" {
		return "", nil
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || !prefixSegment.MatchString(seg) {
			return "", fmt.Errorf("state prefix %q: expected folder names of letters, digits and !_.'()- separated by single slashes "+
				"(the path of s3://<bucket>/<prefix>, e.g. xaccount-api or teams/xaccount-api); "+
				"'*' and '?' would be IAM wildcards and '$' a policy variable", prefix)
		}
	}
	return p + "/", nil
}

// ValidateStateBucket reports a name S3 does not accept for a bucket.
func ValidateStateBucket(bucket string) error {
	if !bucketPattern.MatchString(bucket) || strings.Contains(bucket, "..") {
		return fmt.Errorf("state bucket %q: expected an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens, "+
			"beginning and ending with a letter or digit), the bucket of s3://<bucket>/<prefix>", bucket)
	}
	return nil
}

// ValidateState reports every problem of a state bucket and prefix at once.
func ValidateState(bucket, prefix string) error {
	var errs []error
	if err := ValidateStateBucket(bucket); err != nil {
		errs = append(errs, err)
	}
	if _, err := NormalizeStatePrefix(prefix); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// stateName is a project or stack name as it may appear in a key.
var stateName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

// StackRef is a stack in a DIY backend: its project and name.
type StackRef struct {
	Project, Stack string
}

// ParseStateStackRef reads a stack reference as the DIY backend reads it
// (projectReferenceStore.ParseReference): <stack>, <organization>/<stack> or
// <organization>/<project>/<stack>, where the organization is always
// "organization" and a missing project is the current one.
func ParseStateStackRef(ref, currentProject string) (StackRef, error) {
	parts := strings.Split(ref, "/")
	org, project, name := stateOrganization, currentProject, ""
	switch len(parts) {
	case 1:
		name = parts[0]
	case 2:
		org, name = parts[0], parts[1]
	case 3:
		org, project, name = parts[0], parts[1], parts[2]
	default:
		return StackRef{}, fmt.Errorf("stack %q: expected <stack> or organization/<project>/<stack>", ref)
	}
	if org != stateOrganization || project == "" || name == "" {
		return StackRef{}, fmt.Errorf("stack %q: a DIY backend (s3://…) names stacks <stack> or organization/<project>/<stack> "+
			"(its organization is always %q)", ref, stateOrganization)
	}
	return StackRef{Project: project, Stack: name}, nil
}

// stateKeys are the object keys and list prefixes of the state backend,
// rooted at the normalized prefix.
type stateKeys struct{ root string }

func (k stateKeys) checkpoints(s StackRef) []string {
	var out []string
	for _, suffix := range checkpointSuffixes {
		out = append(out, k.root+stateRoot+"stacks/"+s.Project+"/"+s.Stack+suffix)
	}
	return out
}

func (k stateKeys) backupsOfCheckpoints(s StackRef) []string {
	var out []string
	for _, c := range k.checkpoints(s) {
		out = append(out, c+".bak")
	}
	return out
}

func (k stateKeys) checkpointListing(s StackRef) string {
	return k.root + stateRoot + "stacks/" + s.Project + "/" + s.Stack + ".json"
}

func (k stateKeys) tags(s StackRef) string {
	return k.root + stateRoot + "stacks/" + s.Project + "/" + s.Stack + ".pulumi-tags"
}

func (k stateKeys) history(s StackRef) string {
	return k.root + stateRoot + "history/" + s.Project + "/" + s.Stack + "/"
}

func (k stateKeys) backups(s StackRef) string {
	return k.root + stateRoot + "backups/" + s.Project + "/" + s.Stack + "/"
}

func (k stateKeys) locks(s StackRef) string {
	return k.root + stateRoot + "locks/" + stateOrganization + "/" + s.Project + "/" + s.Stack + "/"
}

func (k stateKeys) meta() string { return k.root + stateRoot + "meta.yaml" }

// stateStatements are the pipeline role's permissions on the DIY state
// backend: its own stack's objects only, and the checkpoints of the stacks
// it references (a split consumer stack reads its producer's outputs, the
// producer each consumer's). The deploy role (write) reads and writes its
// stack's checkpoint, its copy, history and backups and its lock; the
// preview role only reads, as a preview takes no lock and writes nothing.
// Listing is allowed only with the exact prefixes the backend lists
// (s3:prefix, StringEquals), so neither role learns another stack's keys.
func stateStatements(opts Options, write bool) ([]Statement, error) {
	if err := ValidateState(opts.StateBucket, opts.StatePrefix); err != nil {
		return nil, err
	}
	prefix, _ := NormalizeStatePrefix(opts.StatePrefix)
	if opts.Project == "" {
		return nil, errors.New("state backend: the project name is needed for the stacks' keys")
	}
	k := stateKeys{root: prefix}
	own := StackRef{Project: opts.Project, Stack: opts.Stack}
	var refs []StackRef
	for _, r := range opts.StateReads {
		ref, err := ParseStateStackRef(r, opts.Project)
		if err != nil {
			return nil, err
		}
		if ref != own && !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
	}
	for _, r := range append([]StackRef{own}, refs...) {
		// Pulumi's own rules (tokens.ParseStackName, ValidateProjectName)
		// keep IAM's wildcards out of these; checked again as they land in
		// ARNs and conditions.
		if !stateName.MatchString(r.Project) || !stateName.MatchString(r.Stack) {
			return nil, fmt.Errorf("stack %s/%s: expected a project and stack name of letters, digits, '-', '_' and '.'", r.Project, r.Stack)
		}
	}
	slices.SortFunc(refs, func(a, b StackRef) int { return strings.Compare(a.Project+"/"+a.Stack, b.Project+"/"+b.Stack) })

	bucket := fmt.Sprintf("arn:%s:s3:::%s", awspartition.Of(opts.Region), opts.StateBucket)
	obj := func(keys ...string) []string {
		out := make([]string, len(keys))
		for i, key := range keys {
			out[i] = bucket + "/" + key
		}
		return out
	}
	listed := []string{k.checkpointListing(own)}
	read := append([]string{k.meta(), k.tags(own)}, k.checkpoints(own)...)
	if write {
		listed = append(listed, k.locks(own), k.history(own))
		read = append(read, k.locks(own)+"*", k.history(own)+"*")
	}
	var refRead []string
	for _, r := range refs {
		listed = append(listed, k.checkpointListing(r))
		refRead = append(refRead, k.checkpoints(r)...)
	}
	out := []Statement{
		{Sid: "ListOwnStateAndReferences", Effect: "Allow", Action: []string{"s3:ListBucket"}, Resource: []string{bucket},
			Condition: map[string]map[string]any{"StringEquals": {"s3:prefix": listed}}},
		{Sid: "ReadOwnState", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: obj(read...)},
	}
	if len(refRead) > 0 {
		out = append(out, Statement{Sid: "ReadReferencedStacks", Effect: "Allow", Action: []string{"s3:GetObject"}, Resource: obj(refRead...)})
	}
	if write {
		writes := append(append(k.checkpoints(own), k.backupsOfCheckpoints(own)...), k.history(own)+"*", k.backups(own)+"*", k.locks(own)+"*")
		out = append(out,
			Statement{Sid: "WriteOwnState", Effect: "Allow", Action: []string{"s3:PutObject"}, Resource: obj(writes...)},
			// The checkpoint of a compression no longer used (saveCheckpoint)
			// and the lock (Unlock).
			Statement{Sid: "DeleteOwnCheckpointAndLock", Effect: "Allow", Action: []string{"s3:DeleteObject"},
				Resource: obj(append(k.checkpoints(own), k.locks(own)+"*")...)})
	}
	return out, nil
}
