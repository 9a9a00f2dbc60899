package fakeaws

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/pkg/v3/backend"
	"github.com/pulumi/pulumi/pkg/v3/backend/diy"
	"github.com/pulumi/pulumi/pkg/v3/backend/secrets"
	"github.com/pulumi/pulumi/pkg/v3/resource/deploy"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag/colors"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/workspace"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/xaccount/xaccount-api/internal/config"
	"github.com/xaccount/xaccount-api/internal/plan"
)

// The state bucket and prefix the tests print the pipeline roles for; the
// prefix is given without a trailing slash, as in s3://acme-state/xa.
const (
	stateBucketName = "acme-state"
	statePrefix     = "xa"
)

// pipelinePolicies are the pipeline roles `--iam --state-bucket acme-state
// --state-prefix xa` prints for the stack file of name in dir, by kind
// (deploy, preview), as JSON.
func pipelinePolicies(t *testing.T, dir, name string) map[string]string {
	t.Helper()
	raw, err := plan.ReadConfigFile(filepath.Join(dir, "Pulumi."+name+".yaml"))
	require.NoError(t, err)
	p, err := plan.RunForRoles(dir, name, raw)
	require.NoError(t, err)
	set, err := p.Roles(plan.IamOptions{Repo: "acme/xaccount-api", StateBucket: stateBucketName, StatePrefix: statePrefix})
	require.NoError(t, err)
	out := map[string]string{}
	for kind, r := range set.Pipeline.Roles {
		doc, err := json.Marshal(r.Policy)
		require.NoError(t, err)
		out[kind] = string(doc)
	}
	return out
}

func repoDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// stateBackend opens Pulumi's own DIY backend (pkg/v3 backend/diy, the code
// `pulumi up` runs against s3://) on the simulated bucket as caller.
func stateBackend(t *testing.T, b *StateBucket, prefix, caller string) (diy.Backend, error) {
	t.Helper()
	sink := diag.DefaultSink(&bytes.Buffer{}, &bytes.Buffer{}, diag.FormatOptions{Color: colors.Never})
	project := &workspace.Project{Name: config.Namespace, Runtime: workspace.NewProjectRuntimeInfo("go", nil)}
	return diy.New(context.Background(), sink, b.URL(prefix, caller), project)
}

// deployment is a stack's state with its outputs, as `pulumi stack import`
// takes it.
func deployment(t *testing.T, stack string, outputs map[string]any) *apitype.UntypedDeployment {
	t.Helper()
	d := apitype.DeploymentV3{
		Manifest: apitype.ManifestV1{Time: time.Now(), Magic: deploy.Manifest{Version: "v3.274.1"}.NewMagic(), Version: "v3.274.1"},
		Resources: []apitype.ResourceV3{{
			URN:     resource.URN("urn:pulumi:" + stack + "::" + config.Namespace + "::pulumi:pulumi:Stack::" + config.Namespace + "-" + stack),
			Type:    "pulumi:pulumi:Stack",
			Outputs: outputs,
		}},
	}
	raw, err := json.Marshal(d)
	require.NoError(t, err)
	return &apitype.UntypedDeployment{Version: 3, Deployment: raw}
}

// adminStacks is what whoever sets up the backend does, with full access:
// `pulumi login s3://acme-state/<prefix>` (meta.yaml), `pulumi stack init`
// of each stack, a tag on each (the stack's tag file, which every preview
// and up reads: docs/roles-and-state.md, "State and secrets") and a first state.
func adminStacks(t *testing.T, b *StateBucket, prefix string, stacks ...string) diy.Backend {
	t.Helper()
	admin, err := stateBackend(t, b, prefix, "admin")
	require.NoError(t, err)
	ctx := context.Background()
	for _, name := range stacks {
		ref, err := admin.ParseStackReference(name)
		require.NoError(t, err)
		s, err := admin.CreateStack(ctx, ref, "", nil, nil)
		require.NoError(t, err)
		require.NoError(t, admin.UpdateStackTags(ctx, s, map[apitype.StackTagName]string{"team": "platform"}))
		require.NoError(t, admin.ImportDeployment(ctx, s, deployment(t, name, map[string]any{"stack": name})))
	}
	return admin
}

func stackOf(t *testing.T, be diy.Backend, name string) (backend.Stack, error) {
	t.Helper()
	ref, err := be.ParseStackReference(name)
	require.NoError(t, err)
	s, err := be.GetStack(context.Background(), ref)
	if err == nil && s == nil {
		t.Fatalf("stack %s does not exist", name)
	}
	return s, err
}

// TestPipelineRolesReachOnlyTheirOwnStacksState: Pulumi's DIY backend,
// running against the simulated S3 bucket as the pipeline roles `--iam`
// prints for dev and prod (state in s3://acme-state/xa): dev's deploy role
// locks, reads and rewrites dev's state (checkpoint, its .bak copy) and is
// refused prod's checkpoint, lock and history, and every write outside dev;
// prod's preview role reads prod's state and writes nothing, takes no lock,
// and reads nothing of dev's; nothing of either reaches the backend under
// the sibling prefix xa-other.
func TestPipelineRolesReachOnlyTheirOwnStacksState(t *testing.T) {
	ctx := context.Background()
	b := NewStateBucket(stateBucketName)
	require.NoError(t, b.AddCaller("admin", "arn:aws:iam::333333333333:role/admin", ""))
	dev := pipelinePolicies(t, repoDir(), "dev")
	prod := pipelinePolicies(t, repoDir(), "prod")
	require.NoError(t, b.AddCaller("dev-deploy", "arn:aws:sts::111111111111:assumed-role/xaccount-dev-deploy-pipeline/gha", dev["deploy"]))
	require.NoError(t, b.AddCaller("prod-preview", "arn:aws:sts::333333333333:assumed-role/xaccount-prod-preview-pipeline/gha", prod["preview"]))
	adminStacks(t, b, statePrefix, "dev", "prod")
	adminStacks(t, b, statePrefix+"-other", "dev")

	devDeploy, err := stateBackend(t, b, statePrefix, "dev-deploy")
	require.NoError(t, err, "the backend opens (meta.yaml; its listing of legacy stacks is refused and Pulumi ignores that)")
	devStack, err := stackOf(t, devDeploy, "dev")
	require.NoError(t, err)
	require.NoError(t, devDeploy.Lock(ctx, devStack.Ref()), "dev's deploy role takes dev's lock")
	devDeploy.(interface {
		Unlock(context.Context, backend.StackReference)
	}).Unlock(ctx, devStack.Ref())
	_, err = devStack.Snapshot(ctx, secrets.BlindingProvider)
	require.NoError(t, err, "and reads dev's checkpoint")
	assert.NotNil(t, devStack.Tags(), "and its tags")
	require.NoError(t, devDeploy.ImportDeployment(ctx, devStack, deployment(t, "dev", map[string]any{"stack": "dev", "v": 2})),
		"and writes dev's checkpoint (lock, copy to .bak, write, unlock), as an up saves it")
	assert.Contains(t, b.Keys(), "xa/.pulumi/stacks/xaccount-api/dev.json.bak")
	_, err = devDeploy.GetHistory(ctx, devStack.Ref(), 10, 1)
	require.NoError(t, err, "and lists dev's history (pulumi stack history)")

	prodStack, err := stackOf(t, devDeploy, "prod")
	if err == nil {
		_, err = prodStack.Snapshot(ctx, secrets.BlindingProvider)
	}
	require.Error(t, err, "dev's deploy role reads nothing of prod's state")
	assert.Contains(t, err.Error(), "AccessDenied")

	raw, err := b.As("dev-deploy")
	require.NoError(t, err)
	for _, key := range []string{
		"xa/.pulumi/stacks/xaccount-api/prod.json", "xa/.pulumi/stacks/xaccount-api/prod.json.bak",
		"xa/.pulumi/locks/organization/xaccount-api/prod/0b7c2a5e.json",
		"xa/.pulumi/history/xaccount-api/prod/prod-1.history.json", "xa/.pulumi/backups/xaccount-api/prod/prod.1.json",
		"xa/.pulumi/meta.yaml", "xa-other/.pulumi/stacks/xaccount-api/dev.json", "xa-other/.pulumi/locks/organization/xaccount-api/dev/0b7c2a5e.json",
		"xa/.pulumi/stacks/xaccount-api/dev-other.json", "xa/.pulumi/stacks/xaccount-api/dev.jsonx",
	} {
		err := raw.WriteAll(ctx, key, []byte("{}"), nil)
		require.Errorf(t, err, "dev's deploy role writes %s", key)
		assert.Contains(t, err.Error(), "not authorized to perform: s3:PutObject")
	}
	for _, key := range []string{"xa/.pulumi/stacks/xaccount-api/prod.json", "xa-other/.pulumi/stacks/xaccount-api/dev.json"} {
		err := raw.Delete(ctx, key)
		require.Errorf(t, err, "dev's deploy role deletes %s", key)
		assert.Contains(t, err.Error(), "AccessDenied")
	}
	_, err = raw.List(nil).Next(ctx)
	require.Error(t, err, "dev's deploy role lists the bucket")
	other, err := stateBackend(t, b, statePrefix+"-other", "dev-deploy")
	if err == nil {
		_, err = stackOf(t, other, "dev")
	}
	require.Error(t, err, "a dev stack under xa-other/ is not dev's state under xa/")

	prodPreview, err := stateBackend(t, b, statePrefix, "prod-preview")
	require.NoError(t, err)
	prodStack, err = stackOf(t, prodPreview, "prod")
	require.NoError(t, err)
	_, err = prodStack.Snapshot(ctx, secrets.BlindingProvider)
	require.NoError(t, err, "prod's preview role reads prod's checkpoint, as a preview does")
	assert.NotNil(t, prodStack.Tags())
	err = prodPreview.Lock(ctx, prodStack.Ref())
	require.Error(t, err, "prod's preview role takes no lock (a preview needs none)")
	assert.Contains(t, err.Error(), "AccessDenied")
	err = prodPreview.ImportDeployment(ctx, prodStack, deployment(t, "prod", nil))
	require.Error(t, err, "nor writes prod's state")
	_, err = stackOf(t, prodPreview, "dev")
	require.Error(t, err, "nor reads dev's")
	assert.Contains(t, b.Keys(), "xa/.pulumi/stacks/xaccount-api/prod.json")
}

// TestSplitConsumerRoleReadsItsProducersOutputsOnly: in the split topology
// (tests/testdata/split), the consumer stack orders-app's pipeline roles read
// the producer stack's outputs through Pulumi's stack reference code
// (backendClient.GetStackOutputs) and may not write, lock or delete the
// producer's state, nor read the other consumer stack's.
func TestSplitConsumerRoleReadsItsProducersOutputsOnly(t *testing.T) {
	ctx := context.Background()
	b := NewStateBucket(stateBucketName)
	require.NoError(t, b.AddCaller("admin", "arn:aws:iam::111111111111:role/admin", ""))
	split := filepath.Join(repoDir(), "tests", "testdata", "split")
	app := pipelinePolicies(t, split, "orders-app")
	require.NoError(t, b.AddCaller("app-deploy", "arn:aws:sts::111111111111:assumed-role/xaccount-orders-app-deploy-pipeline/gha", app["deploy"]))
	require.NoError(t, b.AddCaller("app-preview", "arn:aws:sts::111111111111:assumed-role/xaccount-orders-app-preview-pipeline/gha", app["preview"]))
	admin := adminStacks(t, b, statePrefix, "orders-app", "orders-batch")
	ref, err := admin.ParseStackReference("orders")
	require.NoError(t, err)
	producer, err := admin.CreateStack(ctx, ref, "", nil, nil)
	require.NoError(t, err)
	require.NoError(t, admin.ImportDeployment(ctx, producer, deployment(t, "orders", map[string]any{"restApiId": "a1b2c3d4e5"})))

	for _, caller := range []string{"app-deploy", "app-preview"} {
		be, err := stateBackend(t, b, statePrefix, caller)
		require.NoError(t, err)
		outputs, err := backend.NewBackendClient(be, secrets.BlindingProvider).GetStackOutputs(ctx, "organization/xaccount-api/orders", nil)
		require.NoErrorf(t, err, "%s reads the producer's outputs (a stack reference)", caller)
		assert.Equal(t, "a1b2c3d4e5", outputs.Get("restApiId").AsString())
		_, err = backend.NewBackendClient(be, secrets.BlindingProvider).GetStackOutputs(ctx, "organization/xaccount-api/orders-batch", nil)
		require.Errorf(t, err, "%s reads the other consumer stack", caller)

		producerStack, err := stackOf(t, be, "orders")
		require.NoError(t, err)
		err = be.Lock(ctx, producerStack.Ref())
		require.Errorf(t, err, "%s locks the producer's stack", caller)
		err = be.ImportDeployment(ctx, producerStack, deployment(t, "orders", nil))
		require.Errorf(t, err, "%s writes the producer's state", caller)
		raw, err := b.As(caller)
		require.NoError(t, err)
		for _, key := range []string{"xa/.pulumi/stacks/xaccount-api/orders.json", "xa/.pulumi/stacks/xaccount-api/orders.json.bak",
			"xa/.pulumi/history/xaccount-api/orders/orders-1.history.json"} {
			require.Errorf(t, raw.WriteAll(ctx, key, []byte("{}"), nil), "%s writes %s", caller, key)
		}
		require.Errorf(t, raw.Delete(ctx, "xa/.pulumi/stacks/xaccount-api/orders.json"), "%s deletes the producer's checkpoint", caller)
		_, err = raw.ReadAll(ctx, "xa/.pulumi/history/xaccount-api/orders/orders-1.history.json")
		require.Errorf(t, err, "%s reads the producer's history", caller)
		assert.True(t, strings.Contains(err.Error(), "AccessDenied"))
	}
}

// TestPrintedPipelineRolesStatePermissions: the printed pipeline roles'
// state permissions, evaluated call by call by this package's IAM: each
// reaches its own stack's checkpoint, copy, history, backups and lock under
// the folder xa/ (the prefix given as "xa"), and reads the checkpoints of the
// stacks it references, nothing else.
func TestPrintedPipelineRolesStatePermissions(t *testing.T) {
	obj := func(key string) string { return "arn:aws:s3:::" + stateBucketName + "/" + key }
	bucket := "arn:aws:s3:::" + stateBucketName
	may := func(policy, action, resource string, context map[string][]string) bool {
		doc, err := parsePolicy(policy)
		require.NoError(t, err)
		return doc.decide(request{Action: action, Resource: resource, Context: context}) == allowed
	}
	list := func(prefix string) map[string][]string {
		return map[string][]string{"s3:prefix": {prefix}, "s3:delimiter": {"/"}}
	}
	dev := pipelinePolicies(t, repoDir(), "dev")
	prod := pipelinePolicies(t, repoDir(), "prod")
	const stacks, locks = "xa/.pulumi/stacks/xaccount-api/", "xa/.pulumi/locks/organization/xaccount-api/"

	for _, key := range []string{stacks + "dev.json", stacks + "dev.json.bak", stacks + "dev.json.gz", locks + "dev/6f1c.json",
		"xa/.pulumi/history/xaccount-api/dev/dev-1754.history.json", "xa/.pulumi/backups/xaccount-api/dev/dev.1754.json"} {
		assert.Truef(t, may(dev["deploy"], "s3:PutObject", obj(key), nil), "dev's deploy role writes its own %s", key)
	}
	assert.True(t, may(dev["deploy"], "s3:DeleteObject", obj(locks+"dev/6f1c.json"), nil), "and deletes its lock")
	assert.True(t, may(dev["deploy"], "s3:ListBucket", bucket, list(locks+"dev/")), "and lists its locks")
	assert.True(t, may(dev["deploy"], "s3:ListBucket", bucket, list(stacks+"dev.json")), "and finds its checkpoint")
	for _, key := range []string{stacks + "prod.json", stacks + "prod.json.bak", locks + "prod/6f1c.json",
		"xa/.pulumi/history/xaccount-api/prod/prod-1754.history.json", "xa/.pulumi/backups/xaccount-api/prod/prod.1754.json",
		"xa-other/.pulumi/stacks/xaccount-api/dev.json", "xa-other/" + locks[3:] + "dev/6f1c.json", "xa.pulumi/locks/organization/xaccount-api/dev/6f1c.json",
		stacks + "dev-other.json", "xa/.pulumi/meta.yaml"} {
		for _, action := range []string{"s3:PutObject", "s3:DeleteObject"} {
			assert.Falsef(t, may(dev["deploy"], action, obj(key), nil), "dev's deploy role: %s %s", action, key)
		}
	}
	assert.False(t, may(dev["deploy"], "s3:GetObject", obj(stacks+"prod.json"), nil), "dev's deploy role reads prod's checkpoint")
	for _, prefix := range []string{stacks + "prod.json", locks + "prod/", "xa/.pulumi/stacks/", "xa/", "", "xa-other/.pulumi/stacks/xaccount-api/dev.json"} {
		assert.Falsef(t, may(dev["deploy"], "s3:ListBucket", bucket, list(prefix)), "dev's deploy role lists %q", prefix)
	}
	assert.False(t, may(dev["deploy"], "s3:ListBucket", bucket, nil), "dev's deploy role lists the whole bucket")

	assert.True(t, may(prod["preview"], "s3:GetObject", obj(stacks+"prod.json"), nil), "prod's preview role reads prod's checkpoint")
	for _, key := range []string{stacks + "prod.json", stacks + "prod.json.bak", locks + "prod/6f1c.json", locks + "dev/6f1c.json",
		"xa/.pulumi/history/xaccount-api/prod/prod-1754.history.json"} {
		for _, action := range []string{"s3:PutObject", "s3:DeleteObject"} {
			assert.Falsef(t, may(prod["preview"], action, obj(key), nil), "prod's preview role: %s %s", action, key)
		}
	}
	assert.False(t, may(prod["preview"], "s3:GetObject", obj(stacks+"dev.json"), nil), "prod's preview role reads dev's checkpoint")

	split := filepath.Join(repoDir(), "tests", "testdata", "split")
	for kind, policy := range pipelinePolicies(t, split, "orders-app") {
		assert.Truef(t, may(policy, "s3:GetObject", obj(stacks+"orders.json"), nil), "orders-app's %s role reads its producer's checkpoint", kind)
		assert.Truef(t, may(policy, "s3:ListBucket", bucket, list(stacks+"orders.json")), "and finds it")
		for _, action := range []string{"s3:PutObject", "s3:DeleteObject"} {
			assert.Falsef(t, may(policy, action, obj(stacks+"orders.json"), nil), "orders-app's %s role: %s on its producer's checkpoint", kind, action)
			assert.Falsef(t, may(policy, action, obj(locks+"orders/6f1c.json"), nil), "orders-app's %s role: %s on its producer's lock", kind, action)
		}
		assert.Falsef(t, may(policy, "s3:GetObject", obj(stacks+"orders-batch.json"), nil), "orders-app's %s role reads the other consumer's checkpoint", kind)
	}
	for kind, policy := range pipelinePolicies(t, split, "orders") {
		for _, consumer := range []string{"orders-app", "orders-batch"} {
			assert.Truef(t, may(policy, "s3:GetObject", obj(stacks+consumer+".json"), nil), "the producer's %s role reads %s's outputs", kind, consumer)
			assert.Falsef(t, may(policy, "s3:PutObject", obj(stacks+consumer+".json"), nil), "the producer's %s role writes %s's state", kind, consumer)
		}
	}
}
