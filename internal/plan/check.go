package plan

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/xaccount/xaccount-api/awsmock"
	"github.com/xaccount/xaccount-api/components"
)

// AwsPluginVersion is the version of the AWS provider plugin the program
// pins (pulumi-aws in go.mod), which --check runs.
const AwsPluginVersion = "6.83.4"

// CheckOptions configure Check.
type CheckOptions struct {
	// Env is the environment of the AWS provider plugin processes, as
	// "KEY=value" (nil: this process's): where they find the credentials
	// and profiles the stack file names (AWS_CONFIG_FILE, AWS_PROFILE, ...)
	// and PULUMI_HOME, where the plugin is installed.
	Env []string
}

// CheckResult is what Check found beyond the problems it returns as a
// *config.Error.
type CheckResult struct {
	// Warnings are the reads that could not be made, each with what it
	// would have caught.
	Warnings []string
	// Reads counts the preflight's reads answered from the accounts.
	Reads int
}

// Check runs the preflight of a stack file against the accounts, without a
// Pulumi stack or state: the program runs under the mock engine as the
// offline plan does, and the preflight's reads (components.PreflightInvokes)
// are answered by the AWS provider plugin pulumi preview uses (resource
// plugin aws AwsPluginVersion from the Pulumi plugin folder), one process
// per provider of the program, configured as the program configures it (the
// stack file's profiles or roles: run it with the preview roles' profiles,
// go run ./cmd/plan --aws-config preview). So it makes the very reads
// pulumi preview makes, with the same permissions. Problems come back as a
// *config.Error, as the offline plan's; a read that fails is a warning.
func Check(dir, stackName string, raw RawConfig, opts CheckOptions) (*CheckResult, error) {
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	path, err := awsPluginPath(env)
	if err != nil {
		return nil, err
	}
	c := &checker{pluginPath: path, env: env, inputs: map[string]resource.PropertyMap{}, plugins: map[string]*awsPlugin{}}
	defer c.close()
	_, err = (&stackPlanner{dir: dir, check: c}).run(stackName, raw)
	if c.startErr != nil {
		return nil, c.startErr
	}
	if err != nil {
		return nil, err
	}
	return &CheckResult{Warnings: c.warnings, Reads: c.reads}, nil
}

// awsPluginPath is where the Pulumi CLI installs the AWS provider plugin:
// $PULUMI_HOME/plugins/resource-aws-v<version>/pulumi-resource-aws
// (PULUMI_HOME defaults to ~/.pulumi).
func awsPluginPath(env []string) (string, error) {
	home := envValue(env, "PULUMI_HOME")
	if home == "" {
		userHome, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("--check: no PULUMI_HOME and no home folder: %w", err)
		}
		home = filepath.Join(userHome, ".pulumi")
	}
	path := filepath.Join(home, "plugins", "resource-aws-v"+AwsPluginVersion, "pulumi-resource-aws")
	if _, err := os.Stat(path); err != nil {
		return "", fmt.Errorf("--check runs the AWS provider plugin pulumi preview uses, and it is not installed at %s: "+
			"run pulumi plugin install resource aws %s (or one pulumi preview of the stack)", path, AwsPluginVersion)
	}
	return path, nil
}

func envValue(env []string, key string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// checker answers the preflight's reads through AWS provider plugin
// processes and collects the warnings.
type checker struct {
	pluginPath string
	env        []string

	mu       sync.Mutex
	inputs   map[string]resource.PropertyMap // provider name -> its inputs
	plugins  map[string]*awsPlugin           // provider name -> its process
	engine   *rpcutil.ServeHandle
	stop     chan bool
	startErr error
	warnings []string
	reads    int
}

func (c *checker) warn(w string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.warnings = append(c.warnings, w)
}

// monitor wraps the plan's mocks: providers are recorded with their inputs,
// and the preflight's invokes go to the accounts.
func (c *checker) monitor(mocks *awsmock.Mocks) pulumi.MockResourceMonitor {
	return &checkMonitor{Mocks: mocks, c: c}
}

type checkMonitor struct {
	*awsmock.Mocks
	c *checker
}

// NewResource records a provider's inputs, then answers as the mocks do.
func (m *checkMonitor) NewResource(args pulumi.MockResourceArgs) (string, resource.PropertyMap, error) {
	if args.TypeToken == awsmock.ProviderType {
		m.c.mu.Lock()
		m.c.inputs[args.Name] = args.Inputs
		m.c.mu.Unlock()
	}
	return m.Mocks.NewResource(args)
}

// Call sends the preflight's reads to the provider's plugin; every other
// invoke is the mocks'.
func (m *checkMonitor) Call(args pulumi.MockCallArgs) (resource.PropertyMap, error) {
	if !slices.Contains(components.PreflightInvokes, args.Token) {
		return m.Mocks.Call(args)
	}
	ref := args.Provider
	if i := strings.LastIndex(ref, "::"); i >= 0 {
		ref = ref[:i]
	}
	name := resource.URN(ref).Name()
	p, err := m.c.plugin(name)
	if err != nil {
		return nil, err
	}
	m.c.mu.Lock()
	m.c.reads++
	m.c.mu.Unlock()
	return p.invoke(args.Token, args.Args)
}

// plugin is the configured plugin process of the provider name, started on
// first use. A plugin that cannot start or be configured stops the check
// (startErr): without it nothing can be read.
func (c *checker) plugin(name string) (*awsPlugin, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.plugins[name]; ok {
		return p, nil
	}
	inputs, ok := c.inputs[name]
	if !ok {
		return nil, fmt.Errorf("--check: the program read through provider %s, which it never registered", name)
	}
	if c.engine == nil {
		c.stop = make(chan bool)
		handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{Cancel: c.stop, Init: func(s *grpc.Server) error {
			pulumirpc.RegisterEngineServer(s, &engineServer{})
			return nil
		}})
		if err != nil {
			c.startErr = fmt.Errorf("--check: serving the engine address the plugin logs to: %w", err)
			return nil, c.startErr
		}
		c.engine = &handle
	}
	p, err := startAwsPlugin(c.pluginPath, fmt.Sprintf("127.0.0.1:%d", c.engine.Port), c.env)
	if err != nil {
		c.startErr = err
		return nil, err
	}
	c.plugins[name] = p
	if err := p.configure(name, inputs); err != nil {
		c.startErr = fmt.Errorf("--check: configuring the AWS provider %s as the program does: %w", name, err)
		return nil, c.startErr
	}
	return p, nil
}

func (c *checker) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.plugins {
		p.close()
	}
	if c.engine != nil {
		c.stop <- true
		if err := <-c.engine.Done; err != nil {
			return // the server's own error on stop says nothing about the check
		}
	}
}

// engineServer is the engine address a provider plugin is started with:
// it logs there, and nothing else is asked of it here.
type engineServer struct {
	pulumirpc.UnimplementedEngineServer
}

// Log drops the plugin's diagnostics: what matters comes back in the
// invokes' answers and errors.
func (engineServer) Log(context.Context, *pulumirpc.LogRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// awsPlugin is one AWS provider plugin process and its gRPC client.
type awsPlugin struct {
	cmd    *exec.Cmd
	conn   *grpc.ClientConn
	client pulumirpc.ResourceProviderClient
	stderr *lockedWriter
}

// startAwsPlugin starts the plugin as the engine does (the engine's
// address as its argument) and connects to the port it prints.
func startAwsPlugin(path, engineAddr string, env []string) (*awsPlugin, error) {
	cmd := exec.Command(path, engineAddr) //nolint:gosec // the Pulumi plugin folder's AWS provider, as the engine runs it
	cmd.Env = env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	errOut := &lockedWriter{}
	cmd.Stderr = errOut
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("--check: starting %s: %w", path, err)
	}
	p := &awsPlugin{cmd: cmd, stderr: errOut}
	port := make(chan string, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, _ := r.ReadString('\n')
		port <- strings.TrimSpace(line)
		_, _ = io.Copy(io.Discard, r)
	}()
	select {
	case line := <-port:
		if line == "" {
			p.close()
			return nil, fmt.Errorf("--check: %s printed no port: %s", path, errOut.String())
		}
		conn, err := grpc.NewClient("127.0.0.1:"+line, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			p.close()
			return nil, fmt.Errorf("--check: connecting to %s: %w", path, err)
		}
		p.conn, p.client = conn, pulumirpc.NewResourceProviderClient(conn)
		return p, nil
	case <-time.After(time.Minute):
		p.close()
		return nil, fmt.Errorf("--check: %s printed no port within a minute", path)
	}
}

// configure gives the plugin the provider's inputs as the engine does:
// CheckConfig, then Configure with the checked inputs as arguments and as
// aws:config: variables.
func (p *awsPlugin) configure(name string, inputs resource.PropertyMap) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	news, err := plugin.MarshalProperties(inputs, plugin.MarshalOptions{SkipNulls: true})
	if err != nil {
		return err
	}
	urn := "urn:pulumi:check::check::pulumi:providers:aws::" + name
	checked, err := p.client.CheckConfig(ctx, &pulumirpc.CheckRequest{Urn: urn, Name: name, Type: awsmock.ProviderType, Olds: news, News: news})
	switch {
	case err == nil && len(checked.GetFailures()) > 0:
		var reasons []string
		for _, f := range checked.GetFailures() {
			reasons = append(reasons, f.GetProperty()+": "+f.GetReason())
		}
		return errors.New(strings.Join(reasons, "; "))
	case err == nil && checked.GetInputs() != nil:
		news = checked.GetInputs()
	}
	variables := map[string]string{}
	for k, v := range news.AsMap() {
		if s, ok := v.(string); ok {
			variables["aws:config:"+k] = s
			continue
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		variables["aws:config:"+k] = string(b)
	}
	//nolint:staticcheck // Variables is what engines before structured args read; the engine still sends both
	_, err = p.client.Configure(ctx, &pulumirpc.ConfigureRequest{Args: news, Variables: variables, AcceptSecrets: true, AcceptResources: true})
	if err != nil {
		return fmt.Errorf("%w%s", err, p.stderrTail())
	}
	return nil
}

// invoke reads one data source.
func (p *awsPlugin) invoke(tok string, args resource.PropertyMap) (resource.PropertyMap, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	in, err := plugin.MarshalProperties(args, plugin.MarshalOptions{SkipNulls: true})
	if err != nil {
		return nil, err
	}
	resp, err := p.client.Invoke(ctx, &pulumirpc.InvokeRequest{Tok: tok, Args: in})
	if err != nil {
		return nil, err
	}
	if len(resp.GetFailures()) > 0 {
		var reasons []string
		for _, f := range resp.GetFailures() {
			reasons = append(reasons, f.GetReason())
		}
		return nil, errors.New(strings.Join(reasons, "; "))
	}
	return plugin.UnmarshalProperties(resp.GetReturn(), plugin.MarshalOptions{SkipNulls: true})
}

func (p *awsPlugin) stderrTail() string {
	s := strings.TrimSpace(p.stderr.String())
	if s == "" {
		return ""
	}
	if len(s) > 2000 {
		s = s[len(s)-2000:]
	}
	return " (plugin: " + s + ")"
}

func (p *awsPlugin) close() {
	if p.conn != nil {
		_ = p.conn.Close()
	}
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}

// lockedWriter keeps what a process writes, safe to read while it writes.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(b)
}

// String is what was written so far.
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
