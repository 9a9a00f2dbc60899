// Command pulumi-language-go is a stand-in for Pulumi's Go language host,
// which cannot be obtained on these machines. It runs an already built
// program binary and hands it the run exactly as the real host does: in the
// PULUMI_* environment variables (PULUMI_CONFIG holds the configuration as
// JSON, PULUMI_CONFIG_SECRET_KEYS its secret keys). A program that exits with
// status 32 has reported its own errors, and the run bails quietly.
//
// Which program it runs: runtime.options.binary of Pulumi.yaml (prebuilt);
// else the binary the engine tests name in XACCOUNT_PROGRAM_BINARY; else,
// with runtime.options.buildTarget, it builds the program into that file
// first, as the real host does (go build -o <buildTarget> in the program's
// folder; go build leaves an up-to-date file alone, so an unchanged program
// is not linked again: pulumi/pulumi#10473).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// EnvProgramBinary names the prebuilt program to run.
const EnvProgramBinary = "XACCOUNT_PROGRAM_BINARY"

// exitStatusLoggedError is the status of a program that reported its errors.
const exitStatusLoggedError = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
	binary        string
}

func main() {
	h := &host{binary: os.Getenv(EnvProgramBinary)}
	for _, arg := range os.Args[1:] {
		switch {
		case strings.HasPrefix(arg, "-binary="):
			h.binary = strings.TrimPrefix(arg, "-binary=")
		case strings.HasPrefix(arg, "-"):
			// -root, -tracing and the like: nothing to do for a prebuilt binary.
		default:
			h.engineAddress = arg
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-go (stand-in):", err)
		os.Exit(1)
	}
	fmt.Println(handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintln(os.Stderr, "pulumi-language-go (stand-in):", err)
		os.Exit(1)
	}
}

// GetPluginInfo reports the host's version: the SDK's.
func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: "3.274.1"}, nil
}

// Handshake accepts the engine's greeting.
func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	if h.engineAddress == "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

// awsPackage is the one plugin the program needs.
var awsPackage = &pulumirpc.PackageDependency{Name: "aws", Kind: "resource", Version: "6.83.4"}

// GetRequiredPackages names the aws plugin, as the real host reads it from go.mod.
func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: []*pulumirpc.PackageDependency{awsPackage}}, nil
}

// GetRequiredPlugins is the older form of GetRequiredPackages.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: []*pulumirpc.PluginDependency{{Name: "aws", Kind: "resource", Version: "6.83.4"}}}, nil
}

// Run runs the program binary with the run in its environment.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	binary := h.binary
	dir := req.GetPwd()
	// runtime.options.binary of Pulumi.yaml reaches the host in the run's
	// program info, relative to the program's folder.
	if opt, ok := req.GetInfo().GetOptions().AsMap()["binary"].(string); ok && opt != "" {
		binary = opt
		if d := req.GetInfo().GetProgramDirectory(); d != "" {
			dir = d
		}
	}
	if target, ok := req.GetInfo().GetOptions().AsMap()["buildTarget"].(string); ok && target != "" && binary == "" {
		if d := req.GetInfo().GetProgramDirectory(); d != "" {
			dir = d
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		build := exec.CommandContext(ctx, "go", "build", "-o", target, ".") //nolint:gosec // the project's own build target
		build.Dir = dir
		if out, err := build.CombinedOutput(); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("go build -o %s: %v\n%s", target, err, out)}, nil
		}
		binary = target
	}
	if binary == "" {
		return &pulumirpc.RunResponse{Error: "no program binary: set runtime.options.binary or buildTarget, or " + EnvProgramBinary}, nil
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		pulumi.EnvProject+"="+req.GetProject(),
		pulumi.EnvStack+"="+req.GetStack(),
		pulumi.EnvOrganization+"="+req.GetOrganization(),
		pulumi.EnvConfig+"="+string(config),
		pulumi.EnvConfigSecretKeys+"="+string(secretKeys),
		pulumi.EnvDryRun+"="+fmt.Sprint(req.GetDryRun()),
		pulumi.EnvParallel+"="+fmt.Sprint(req.GetParallel()),
		pulumi.EnvMonitor+"="+req.GetMonitorAddress(),
		pulumi.EnvEngine+"="+h.engineAddress,
	)
	if !filepath.IsAbs(binary) {
		binary = filepath.Join(dir, binary)
	}
	cmd := exec.CommandContext(ctx, binary) //nolint:gosec // the engine tests name the binary
	cmd.Env = env
	cmd.Dir = req.GetPwd()
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == exitStatusLoggedError {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}
