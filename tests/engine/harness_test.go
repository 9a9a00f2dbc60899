package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/blang/semver"
	"github.com/pulumi/pulumi/sdk/v3/go/auto"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/events"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optdestroy"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optpreview"
	"github.com/pulumi/pulumi/sdk/v3/go/auto/optup"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/iampolicy"
	"github.com/xaccount/xaccount-api/internal/plan"
	"github.com/xaccount/xaccount-api/internal/stack"
	"github.com/xaccount/xaccount-api/tests/engine/fakeaws"
)

// engineStack is one stack of the project under the real engine: its own
// work folder (copies of Pulumi.yaml and the stack file), its own file
// backend and its own simulated cloud.
type engineStack struct {
	t       testing.TB
	name    string
	workDir string
	backend string
	cloud   *fakeaws.Store
	stack   auto.Stack
	// awsConfig is the shared AWS config file the provider processes read:
	// the one a pipeline job of kind roleKind writes (cmd/plan --aws-config).
	awsConfig string
	roleKind  string
	// editPolicy, when set, changes a printed policy before it is granted
	// (a negative control).
	editPolicy func(account, kind string, doc *iampolicy.Document)
	// keepRoles stops granting: the roles in the simulated IAM stay as they
	// are while the stack file changes.
	keepRoles bool
	// transitionRoles grants the roles printed with --deployed: the new
	// stack file's and the last granted one's together, what an up that
	// moves the stack from one to the other needs.
	transitionRoles bool
	// grantedRaw is the stack file the roles were last granted for.
	grantedRaw *plan.RawConfig
	// granted is the stack file and role kind the roles were last granted
	// for without an edit: an unchanged one is not planned again.
	granted string
}

// testRepo is the repository whose pipeline the tests simulate.
const testRepo = "acme/xaccount-api"

// stackOption changes how a test stack is set up.
type stackOption func(*stackSetup)

type stackSetup struct {
	program pulumi.RunFunc
	// languageHost runs the built main.go through the Go language host
	// (stand-in) instead of the program inline.
	languageHost bool
	// projectDir, when set, is the project folder to run instead of copies
	// of the committed project file (the language host runs its program).
	projectDir string
	stackFile  []byte
	seed       func(*fakeaws.Store) error
	// peer, when set, is a stack of the same project whose work folder,
	// backend and simulated cloud this one shares (the split topology: stack
	// references between them resolve, and both deploy into one cloud).
	peer *engineStack
}

// besides makes the stack a sibling of peer: same project folder, backend
// and simulated cloud, so they can reference each other.
func besides(peer *engineStack) stackOption {
	return func(s *stackSetup) { s.peer = peer }
}

// withProgram runs another program (e.g. the real one under a transform).
func withProgram(p pulumi.RunFunc) stackOption {
	return func(s *stackSetup) { s.program = p }
}

// throughLanguageHost runs main.go, built, as `pulumi up` in a project folder
// does: the engine starts the Go language host, which hands the program its
// configuration in PULUMI_CONFIG.
func throughLanguageHost() stackOption {
	return func(s *stackSetup) { s.languageHost = true }
}

// inProjectDir runs the project folder dir through the language host, as
// `pulumi -C dir` does; the program binary comes from its Pulumi.yaml.
func inProjectDir(dir string) stackOption {
	return func(s *stackSetup) { s.languageHost, s.projectDir = true, dir }
}

// withStackFile uses these bytes as Pulumi.<stack>.yaml instead of the committed file.
func withStackFile(b []byte) stackOption {
	return func(s *stackSetup) { s.stackFile = b }
}

// withSeed creates resources in the simulated cloud before the stack runs.
func withSeed(seed func(*fakeaws.Store) error) stackOption {
	return func(s *stackSetup) { s.seed = seed }
}

// newEngineStack prepares stack name of the project as committed: the
// project file and Pulumi.<name>.yaml are copied byte for byte.
func newEngineStack(t testing.TB, name string, opts ...stackOption) *engineStack {
	t.Helper()
	setup := stackSetup{program: stack.Program}
	for _, o := range opts {
		o(&setup)
	}
	work, backend, cloudDir := t.TempDir(), t.TempDir(), t.TempDir()
	switch {
	case setup.peer != nil:
		work, backend, cloudDir = setup.peer.workDir, setup.peer.backend, setup.peer.cloud.Dir()
	case setup.projectDir != "":
		work = setup.projectDir
	default:
		copyFile(t, filepath.Join(repoRoot, "Pulumi.yaml"), filepath.Join(work, "Pulumi.yaml"))
	}
	stackFile := filepath.Join(work, "Pulumi."+name+".yaml")
	// A link to the committed file (make prebuilt) is replaced by a copy:
	// stack init writes the encryption salt into the stack file.
	if err := os.Remove(stackFile); err != nil && !os.IsNotExist(err) {
		require.NoError(t, err)
	}
	if setup.stackFile != nil {
		require.NoError(t, os.WriteFile(stackFile, setup.stackFile, 0o600))
	} else {
		copyFile(t, filepath.Join(repoRoot, "Pulumi."+name+".yaml"), stackFile)
	}
	store := setup.peer.sharedCloud()
	if store == nil {
		var err error
		store, err = fakeaws.NewStore(cloudDir)
		require.NoError(t, err)
	}
	require.NoError(t, seedAccountLogRoles(store))
	if setup.seed != nil {
		require.NoError(t, setup.seed(store))
	}
	awsConfig := filepath.Join(t.TempDir(), "aws-config")
	env := map[string]string{
		"PULUMI_BACKEND_URL":     "file://" + backend,
		fakeaws.EnvStateDir:      cloudDir,
		fakeaws.EnvAwsConfigFile: awsConfig,
	}
	for k, v := range baseEnv {
		env[k] = v
	}
	// The plugin processes inherit the CLI's environment, which the
	// workspace builds from this process's plus EnvVars.
	cmd, err := auto.NewPulumiCommand(&auto.PulumiCommandOptions{Root: cliRoot, Version: semver.MustParse(PulumiVersion)})
	require.NoError(t, err)
	ctx := testContext(t)
	var s auto.Stack
	if setup.languageHost {
		if setup.projectDir == "" {
			env["XACCOUNT_PROGRAM_BINARY"] = programBinary
		}
		s, err = auto.UpsertStackLocalSource(ctx, name, work, auto.Pulumi(cmd), auto.EnvVars(env))
	} else {
		s, err = auto.UpsertStackInlineSource(ctx, name, config.Namespace, setup.program,
			auto.WorkDir(work), auto.Pulumi(cmd), auto.EnvVars(env))
	}
	require.NoError(t, err)
	return &engineStack{t: t, name: name, workDir: work, backend: backend, cloud: store, stack: s, awsConfig: awsConfig, roleKind: "deployer"}
}

// sharedCloud is the simulated cloud a sibling stack shares: nil for none.
func (s *engineStack) sharedCloud() *fakeaws.Store {
	if s == nil {
		return nil
	}
	return s.cloud
}

// grantPrintedRoles does what a team does before a pipeline runs the stack:
// it creates the roles (and their boundary policies) `go run ./cmd/plan --iam` prints for the stack file as
// it is now (roles are only ever added or updated, as in an account where a
// removed consumer's role stays), and the job writes the shared AWS config
// of its kind (--aws-config). The provider processes then start as the
// job's pipeline role. A stack file the program refuses grants nothing new.
func (s *engineStack) grantPrintedRoles() {
	s.t.Helper()
	if s.keepRoles {
		return
	}
	ctx := testContext(s.t)
	all, err := s.stack.GetAllConfig(ctx)
	require.NoError(s.t, err)
	raw := plan.RawConfig{Values: map[string]string{}}
	for k, v := range all {
		raw.Values[k] = v.Value
		if v.Secret {
			raw.SecretKeys = append(raw.SecretKeys, k)
		}
	}
	// The roles of a split stack follow the files of the stacks it
	// references too (plan.RunForRoles plans them).
	key := grantKey(raw, s.roleKind) + stackFilesOf(s.t, s.workDir, s.name)
	if key == s.granted && s.editPolicy == nil {
		return
	}
	// Referenced stacks (the split topology) are planned from their files
	// beside this one, as the plan command's --iam plans them.
	p, err := plan.RunForRoles(s.workDir, s.name, raw)
	if err != nil {
		return // the stack file is invalid: the run under test fails before any provider
	}
	opts := plan.IamOptions{Repo: testRepo, RevealSecrets: true}
	if s.transitionRoles && s.grantedRaw != nil {
		// As `plan --iam --deployed <the file as deployed>` prints them.
		opts.Deployed, err = plan.RunForRoles(s.workDir, s.name, *s.grantedRaw)
		require.NoError(s.t, err)
	}
	set, err := p.Roles(opts)
	require.NoError(s.t, err)
	s.grantedRaw = &raw
	roles := map[string]fakeaws.IamRole{}
	for account, a := range set.Accounts {
		for kind, r := range a.Roles {
			if s.editPolicy != nil {
				s.editPolicy(account, kind, &r.Policy)
			}
			roles[r.Arn] = fakeaws.IamRole{Account: account, Policy: mustJSON(s.t, r.Policy), Trust: mustJSON(s.t, r.Trust)}
		}
	}
	require.NoError(s.t, s.cloud.PutRoles(roles))
	// The permissions boundary of the roles the stack creates, which the
	// deployer may create roles with only.
	boundaries := map[string]string{}
	for _, a := range set.Accounts {
		if a.Boundary != nil {
			boundaries[a.Boundary.Arn] = mustJSON(s.t, a.Boundary.Policy)
		}
	}
	require.NoError(s.t, s.cloud.PutManagedPolicies(boundaries))
	text, err := iampolicy.SharedConfig(set, s.roleKind)
	require.NoError(s.t, err)
	require.NoError(s.t, os.WriteFile(s.awsConfig, []byte(text), 0o600))
	pipelineKind := map[string]string{"deployer": "deploy", "preview": "preview"}[s.roleKind]
	s.stack.Workspace().SetEnvVar(fakeaws.EnvCaller, set.Pipeline.Roles[pipelineKind].Arn)
	s.granted = key
	if s.editPolicy != nil {
		s.granted = "" // an edit's closure has no identity to compare: grant again
	}
}

// grantKey identifies what grantPrintedRoles grants for: the config, its
// secret keys and the role kind.
func grantKey(raw plan.RawConfig, kind string) string {
	keys := make([]string, 0, len(raw.Values))
	for k := range raw.Values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%q=%q\n", k, raw.Values[k])
	}
	sort.Strings(raw.SecretKeys)
	fmt.Fprintf(&b, "secret=%q kind=%s", raw.SecretKeys, kind)
	return b.String()
}

// stackFilesOf is the content of every other stack file of dir.
func stackFilesOf(t testing.TB, dir, except string) string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "Pulumi.*.yaml"))
	require.NoError(t, err)
	var b strings.Builder
	for _, f := range files {
		if filepath.Base(f) == "Pulumi."+except+".yaml" {
			continue
		}
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		fmt.Fprintf(&b, "\n%s\n%s", filepath.Base(f), data)
	}
	return b.String()
}

func mustJSON(t testing.TB, doc iampolicy.Document) string {
	t.Helper()
	j, err := doc.JSON()
	require.NoError(t, err)
	return j
}

// seedAccountLogRoles: the committed stacks' producer accounts have API
// Gateway's CloudWatch Logs role set already, as the stack files expect
// (createAccountRole: false). A test's own seed runs after and may clear it.
func seedAccountLogRoles(store *fakeaws.Store) error {
	return store.Update(func(c *fakeaws.Cloud) error {
		for _, account := range []string{"111111111111", "333333333333"} {
			role := "arn:aws:iam::" + account + ":role/apigateway-cloudwatch"
			c.Roles[role] = account
			c.AccountRoles[account+"/eu-west-1"] = role
		}
		return nil
	})
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(to, b, 0o600))
}

// testContext bounds one engine operation.
func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// result is what one engine operation printed and did.
type result struct {
	out, errOut string
	events      []events.EngineEvent
	err         error
	// processes is how many provider processes the operation started.
	processes int
	elapsed   time.Duration
}

// steps are the URN and operation of every resource step the engine reported.
func (r result) steps() map[string]string {
	out := map[string]string{}
	for _, e := range r.events {
		if e.ResourcePreEvent != nil {
			m := e.ResourcePreEvent.Metadata
			out[m.URN] = string(m.Op)
		}
	}
	return out
}

// opsOf lists the operations the engine reported for resources of type
// typ, in order (an import then its update, an import-replacement, ...).
func (r result) opsOf(typ string) []string {
	var ops []string
	for _, e := range r.events {
		if e.ResourcePreEvent != nil && e.ResourcePreEvent.Metadata.Type == typ {
			ops = append(ops, string(e.ResourcePreEvent.Metadata.Op))
		}
	}
	return ops
}

// processCount is how many provider processes have started so far.
func (s *engineStack) processCount() int {
	b, err := os.ReadFile(filepath.Join(s.cloud.Dir(), "processes.log"))
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}

// run times one operation and collects its output and events.
func (s *engineStack) run(op func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error) result {
	s.t.Helper()
	var out, errOut bytes.Buffer
	ch := make(chan events.EngineEvent)
	opDone := make(chan struct{})
	collected := make(chan []events.EngineEvent)
	go func() {
		var all []events.EngineEvent
		for {
			select {
			case e, open := <-ch:
				if !open {
					collected <- all
					return
				}
				all = append(all, e)
			case <-opDone:
				// The SDK closes the channel only when the CLI opened its
				// event stream; by the time the operation returns, every
				// event it sent has been received (the channel is unbuffered).
				collected <- all
				return
			}
		}
	}()
	s.grantPrintedRoles()
	before := s.processCount()
	start := time.Now()
	err := op(testContext(s.t), &out, &errOut, ch)
	elapsed := time.Since(start)
	close(opDone)
	return result{out: out.String(), errOut: errOut.String(), events: <-collected, err: err,
		processes: s.processCount() - before, elapsed: elapsed}
}

func (s *engineStack) preview() result {
	return s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Preview(ctx, optpreview.ProgressStreams(out), optpreview.ErrorProgressStreams(errOut), optpreview.EventStreams(ch), optpreview.Diff())
		return err
	})
}

// previewRefresh is the drift check: pulumi preview --refresh
// --expect-no-changes, which fails when a refresh finds AWS changed.
func (s *engineStack) previewRefresh() result {
	return s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Preview(ctx, optpreview.ProgressStreams(out), optpreview.ErrorProgressStreams(errOut), optpreview.EventStreams(ch),
			optpreview.Diff(), optpreview.Refresh(), optpreview.ExpectNoChanges())
		return err
	})
}

// upRefresh is what the deploy jobs run: pulumi up --refresh.
func (s *engineStack) upRefresh() result {
	return s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Up(ctx, optup.ProgressStreams(out), optup.ErrorProgressStreams(errOut), optup.EventStreams(ch), optup.Refresh())
		return err
	})
}

func (s *engineStack) up() result {
	return s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Up(ctx, optup.ProgressStreams(out), optup.ErrorProgressStreams(errOut), optup.EventStreams(ch))
		return err
	})
}

func (s *engineStack) destroy() result {
	return s.run(func(ctx context.Context, out, errOut *bytes.Buffer, ch chan<- events.EngineEvent) error {
		_, err := s.stack.Destroy(ctx, optdestroy.ProgressStreams(out), optdestroy.ErrorProgressStreams(errOut), optdestroy.EventStreams(ch))
		return err
	})
}

// requireNoChanges: a preview plans no step but "same" for every resource.
func requireNoChanges(t *testing.T, s *engineStack) {
	t.Helper()
	r := s.preview()
	require.NoErrorf(t, r.err, "preview failed:\n%s\n%s", r.out, r.errOut)
	require.NotEmpty(t, r.steps())
	for urn, op := range r.steps() {
		if typ, _ := urnTypeName(urn); typ == "pulumi:pulumi:StackReference" && op == "read" {
			continue // reading another stack's outputs changes nothing
		}
		assert.Equalf(t, "same", op, "%s must not change when nothing changed", urn)
	}
}

// step runs one step of a lifecycle as a subtest of t: while it runs, the
// stack's helpers (mustUp, cloudView, apiState, editConfig, ...) report to
// that subtest, so a failing step fails itself, not its parent (FailNow on
// a parent from a subtest is a panic that abandons every later step).
func (s *engineStack) step(t *testing.T, name string, fn func(t *testing.T)) bool {
	parent := s.t
	return t.Run(name, func(t *testing.T) {
		s.t = t
		defer func() { s.t = parent }()
		fn(t)
	})
}

// mustUp runs up and fails the test with the engine's output if it fails.
func (s *engineStack) mustUp() result {
	s.t.Helper()
	r := s.up()
	require.NoErrorf(s.t, r.err, "pulumi up failed:\n%s\n%s", r.out, r.errOut)
	return r
}

// editConfig sets (or, with nil, removes) the top-level config key
// xaccount-api:<name> in the stack's file, keeping everything else (the
// encryption salt, secure values) as it is.
func (s *engineStack) editConfig(name string, value any) {
	s.t.Helper()
	path := filepath.Join(s.workDir, "Pulumi."+s.name+".yaml")
	b, err := os.ReadFile(path)
	require.NoError(s.t, err)
	var doc map[string]any
	require.NoError(s.t, yaml.Unmarshal(b, &doc))
	cfg, _ := doc["config"].(map[string]any)
	if value == nil {
		delete(cfg, config.Namespace+":"+name)
	} else {
		cfg[config.Namespace+":"+name] = value
	}
	out, err := yaml.Marshal(doc)
	require.NoError(s.t, err)
	require.NoError(s.t, os.WriteFile(path, out, 0o600))
}

// editStackFile replaces the config of the stack's file with the config of
// b, keeping the rest (the encryption salt stack init wrote).
func (s *engineStack) editStackFile(b []byte) {
	s.t.Helper()
	path := filepath.Join(s.workDir, "Pulumi."+s.name+".yaml")
	old, err := os.ReadFile(path)
	require.NoError(s.t, err)
	var doc, next map[string]any
	require.NoError(s.t, yaml.Unmarshal(old, &doc))
	require.NoError(s.t, yaml.Unmarshal(b, &next))
	doc["config"] = next["config"]
	out, err := yaml.Marshal(doc)
	require.NoError(s.t, err)
	require.NoError(s.t, os.WriteFile(path, out, 0o600))
}

// rawState is every file the file backend keeps for the stack (the state
// and its backups), concatenated: what an attacker with the bucket would read.
func (s *engineStack) rawState() string {
	s.t.Helper()
	var all strings.Builder
	err := filepath.WalkDir(s.backend, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		all.Write(b)
		return err
	})
	require.NoError(s.t, err)
	return all.String()
}

// outputs are the stack outputs after the last update.
func (s *engineStack) outputs() auto.OutputMap {
	s.t.Helper()
	out, err := s.stack.Outputs(testContext(s.t))
	require.NoError(s.t, err)
	return out
}

// cloudView runs fn on the simulated cloud.
func (s *engineStack) cloudView(fn func(c *fakeaws.Cloud)) {
	s.t.Helper()
	require.NoError(s.t, s.cloud.View(func(c *fakeaws.Cloud) error { fn(c); return nil }))
}
