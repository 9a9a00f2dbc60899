package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// releaseStep is a step of release.yml.
type releaseStep struct {
	Name             string            `yaml:"name"`
	Id               string            `yaml:"id"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	WorkingDirectory string            `yaml:"working-directory"`
	With             map[string]string `yaml:"with"`
	Env              map[string]string `yaml:"env"`
}

// releaseJob is a job of release.yml.
type releaseJob struct {
	Needs       any               `yaml:"needs"`
	Permissions map[string]string `yaml:"permissions"`
	Outputs     map[string]string `yaml:"outputs"`
	Strategy    struct {
		Matrix map[string][]string `yaml:"matrix"`
	} `yaml:"strategy"`
	Steps []releaseStep `yaml:"steps"`
}

// releaseWorkflow is the part of release.yml the tests read.
type releaseWorkflow struct {
	On          map[string]any        `yaml:"on"`
	Permissions map[string]string     `yaml:"permissions"`
	Jobs        map[string]releaseJob `yaml:"jobs"`
}

// readRelease parses release.yml and returns it with its text.
func readRelease(t *testing.T) (releaseWorkflow, string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(projectRoot, ".github", "workflows", "release.yml"))
	require.NoError(t, err)
	var w releaseWorkflow
	require.NoError(t, yaml.Unmarshal(src, &w))
	return w, string(src)
}

// step is the job's step named name (or with that uses prefix).
func (j releaseJob) step(t *testing.T, name string) releaseStep {
	t.Helper()
	for _, s := range j.Steps {
		if s.Name == name || (s.Uses != "" && strings.HasPrefix(s.Uses, name)) {
			return s
		}
	}
	require.Failf(t, "no such step", "release.yml has no step %q", name)
	return releaseStep{}
}

// runStep runs a step's script as the runner does for a run step without a
// shell (bash -e) in dir, with the GitHub variables in env and
// GITHUB_OUTPUT a file of its own; it returns the combined output, the
// step's outputs and whether it succeeded.
func runStep(t *testing.T, s releaseStep, dir string, env map[string]string) (string, map[string]string, bool) {
	t.Helper()
	require.NotEmpty(t, s.Run)
	if s.WorkingDirectory != "" {
		dir = filepath.Join(dir, s.WorkingDirectory)
	}
	outputs := filepath.Join(t.TempDir(), "output")
	require.NoError(t, os.WriteFile(outputs, nil, 0o600))
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-c", s.Run)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GITHUB_OUTPUT="+outputs, "RUNNER_TEMP="+t.TempDir())
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	raw, rerr := os.ReadFile(outputs)
	require.NoError(t, rerr)
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	return string(out), got, err == nil
}

// TestReleaseWorkflowShape: release.yml runs on version tags only, holds no
// AWS credentials, builds every platform the engine downloads plugins for
// (linux, darwin and windows; amd64 and arm64) with the Makefile's
// provider-dist, and grants each job only what it uses: the build reads;
// only the attest job mints an OIDC token and writes attestations, with
// actions/attest-build-provenance over the checksums file of the archives;
// only the release job writes contents, creating the release once (no
// --clobber: a re-run fails instead of replacing published archives) with
// the checksums file beside the archives. The check job that every other
// job follows fetches main's history.
func TestReleaseWorkflowShape(t *testing.T) {
	w, src := readRelease(t)
	assert.Equal(t, map[string]any{"push": map[string]any{"tags": []any{"v*"}}}, w.On, "tags only: no pull request builds a release")
	assert.Equal(t, map[string]string{"contents": "read"}, w.Permissions)
	assert.NotContains(t, src, "configure-aws-credentials", "a release reaches no AWS account")
	for name, j := range w.Jobs {
		for _, s := range j.Steps {
			assert.NotContainsf(t, s.Run, "--clobber", "%s job, step %q: published archives are never replaced", name, s.Name)
		}
	}
	assert.ElementsMatch(t, []string{"check", "build", "attest", "release"}, keys(w.Jobs))

	check := w.Jobs["check"]
	assert.Empty(t, check.Permissions)
	assert.Equal(t, "0", check.step(t, "actions/checkout@").With["fetch-depth"], "the whole history, main's included")
	assert.Equal(t, "${{ steps.main.outputs.commit }}", check.Outputs["commit"])

	build := w.Jobs["build"]
	assert.Equal(t, "check", build.Needs)
	assert.ElementsMatch(t, []string{"linux", "darwin", "windows"}, build.Strategy.Matrix["goos"])
	assert.ElementsMatch(t, []string{"amd64", "arm64"}, build.Strategy.Matrix["goarch"])
	assert.Empty(t, build.Permissions, "the build job only reads")
	dist := build.step(t, "Build the plugin archive (make provider-dist)")
	assert.Equal(t, `make provider-dist GOOS="${TARGET_OS}" GOARCH="${TARGET_ARCH}"`, dist.Run)
	assert.Equal(t, map[string]string{"TARGET_OS": "${{ matrix.goos }}", "TARGET_ARCH": "${{ matrix.goarch }}"}, dist.Env)

	attest := w.Jobs["attest"]
	assert.Equal(t, "build", attest.Needs)
	assert.Equal(t, map[string]string{"contents": "read", "id-token": "write", "attestations": "write"}, attest.Permissions)
	assert.Equal(t, map[string]string{"subject-checksums": "${{ steps.checksums.outputs.file }}"},
		attest.step(t, "actions/attest-build-provenance@").With)
	for _, s := range attest.Steps {
		assert.NotContainsf(t, s.Uses, "actions/checkout", "the job that can mint an OIDC token runs no code of the repository")
		assert.NotContainsf(t, s.Run, "make ", "the job that can mint an OIDC token runs no code of the repository")
	}
	for name, j := range w.Jobs {
		if name != "attest" {
			assert.NotContainsf(t, j.Permissions, "id-token", "%s job: no OIDC token", name)
			assert.NotContainsf(t, j.Permissions, "attestations", "%s job: writes no attestation", name)
		}
	}

	release := w.Jobs["release"]
	assert.ElementsMatch(t, []any{"check", "attest"}, release.Needs)
	assert.Equal(t, map[string]string{"contents": "write"}, release.Permissions)
	create := release.step(t, "Create the release with the archives and their checksums").Run
	assert.Contains(t, create, `gh release create "${GITHUB_REF_NAME}" dist/*.tar.gz "dist/pulumi-resource-xaccount-${GITHUB_REF_NAME}-checksums.txt"`)
	assert.Contains(t, create, "--verify-tag")
	assert.NotContains(t, create, "gh release upload", "assets only with the release's creation, once")
	goTag := release.step(t, "Tag the Go SDK's module on the same commit")
	assert.Contains(t, goTag.Run, `-f ref="refs/tags/sdk/go/xaccount/${GITHUB_REF_NAME}" -f sha="${COMMIT}"`)
	assert.Equal(t, "${{ needs.check.outputs.commit }}", goTag.Env["COMMIT"])
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// git runs git in dir and returns its trimmed output.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	require.NoErrorf(t, err, "git %s: %s", strings.Join(args, " "), out)
	return strings.TrimSpace(string(out))
}

// TestReleaseTagsOnlyFromMain runs the check job's step on a clone whose
// origin has main and a feature branch: a tag on a commit of the feature
// branch is refused, a tag on a commit of main (the newest or an older one,
// lightweight or annotated) passes and hands the commit on; without main in
// the clone the step says what is missing.
func TestReleaseTagsOnlyFromMain(t *testing.T) {
	w, _ := readRelease(t)
	step := w.Jobs["check"].step(t, "The tag's commit is on main")

	origin := t.TempDir()
	git(t, origin, "init", "-q", "-b", "main")
	commit := func(msg string) string {
		git(t, origin, "commit", "-q", "--allow-empty", "-m", msg)
		return git(t, origin, "rev-parse", "HEAD")
	}
	older := commit("first")
	git(t, origin, "checkout", "-q", "-b", "feature")
	feature := commit("unreviewed")
	git(t, origin, "checkout", "-q", "main")
	newest := commit("second")
	git(t, origin, "tag", "-a", "-m", "v0.1.0", "v0.1.0", newest)
	annotated := git(t, origin, "rev-parse", "v0.1.0")
	require.NotEqual(t, newest, annotated, "an annotated tag is an object of its own")

	clone := filepath.Join(t.TempDir(), "clone")
	git(t, filepath.Dir(clone), "clone", "-q", "--no-checkout", origin, clone) // what fetch-depth: 0 fetches
	for _, c := range []struct {
		name, sha, want string
		ok              bool
	}{
		{"the newest commit of main", newest, newest, true},
		{"an older commit of main", older, older, true},
		{"an annotated tag on main", annotated, newest, true},
		{"a commit of another branch", feature, "", false},
	} {
		out, outputs, ok := runStep(t, step, clone, map[string]string{"GITHUB_SHA": c.sha, "GITHUB_REF_NAME": "v0.1.0"})
		assert.Equalf(t, c.ok, ok, "%s: %s", c.name, out)
		if c.ok {
			assert.Equalf(t, c.want, outputs["commit"], "%s: the commit handed on", c.name)
		} else {
			assert.Containsf(t, out, "which is not on main", c.name)
			assert.Emptyf(t, outputs["commit"], c.name)
		}
	}

	shallow := filepath.Join(t.TempDir(), "shallow")
	git(t, filepath.Dir(shallow), "clone", "-q", "--no-checkout", "--single-branch", "--branch", "feature", "file://"+origin, shallow)
	out, _, ok := runStep(t, step, shallow, map[string]string{"GITHUB_SHA": feature, "GITHUB_REF_NAME": "v0.1.0"})
	assert.False(t, ok)
	assert.Contains(t, out, "no origin/main in the checkout")
}

// TestReleaseTagMatchesVersionAndChangelog runs the check job's version step:
// on the repository as committed with the tag v<VERSION> it passes; a tag
// of another version, a CHANGELOG whose newest heading is "Unreleased" or
// another version, are refused with the reason.
func TestReleaseTagMatchesVersionAndChangelog(t *testing.T) {
	w, _ := readRelease(t)
	step := w.Jobs["check"].step(t, "The tag is VERSION and the CHANGELOG's newest release")
	version := strings.TrimSpace(readFile(t, filepath.Join(projectRoot, "cmd", "pulumi-resource-xaccount", "VERSION")))

	out, _, ok := runStep(t, step, projectRoot, map[string]string{"GITHUB_REF_NAME": "v" + version})
	assert.Truef(t, ok, "the committed VERSION and CHANGELOG with the tag v%s: %s", version, out)

	fixture := func(version, changelog string) string {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "cmd", "pulumi-resource-xaccount"), 0o750))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "cmd", "pulumi-resource-xaccount", "VERSION"), []byte(version+"\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "CHANGELOG.md"), []byte(changelog), 0o600))
		return dir
	}
	released := "# Changelog\n\n## v1.2.0\n\n- b\n\n## v1.1.0\n\n- a\n"
	for _, c := range []struct {
		name, version, changelog, tag, want string
	}{
		{"the tag is another version", "1.2.0", released, "v1.3.0", "is not v1.2.0"},
		{"unreleased changes above the version", "1.2.0", "# Changelog\n\n## Unreleased\n\n- c\n\n" + released[len("# Changelog\n\n"):], "v1.2.0", "is '## Unreleased', not '## v1.2.0'"},
		{"VERSION not the newest heading", "1.1.0", released, "v1.1.0", "is '## v1.2.0', not '## v1.1.0'"},
		{"no heading", "1.2.0", "# Changelog\n", "v1.2.0", "is '', not '## v1.2.0'"},
	} {
		out, _, ok := runStep(t, step, fixture(c.version, c.changelog), map[string]string{"GITHUB_REF_NAME": c.tag})
		assert.Falsef(t, ok, "%s: %s", c.name, out)
		assert.Containsf(t, out, c.want, c.name)
	}
	out, _, ok = runStep(t, step, fixture("1.2.0", released), map[string]string{"GITHUB_REF_NAME": "v1.2.0"})
	assert.True(t, ok, out)
}

// TestReleaseChecksumsAndNotes runs the attest job's checksums step on six
// archives (sha256sum -c accepts the file it writes, and it is the file the
// attestation and the release name) and refuses five; and the release
// job's notes step on the committed CHANGELOG: the section of the tag, up
// to the next heading.
func TestReleaseChecksumsAndNotes(t *testing.T) {
	w, _ := readRelease(t)
	checksums := w.Jobs["attest"].step(t, "The archives' SHA-256 checksums")
	assert.Equal(t, "checksums", checksums.Id)
	require.Equal(t, "dist", checksums.WorkingDirectory)

	work := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(work, "dist"), 0o750))
	want := map[string]string{}
	for _, os_ := range []string{"linux", "darwin", "windows"} {
		for _, arch := range []string{"amd64", "arm64"} {
			name := "pulumi-resource-xaccount-v1.2.0-" + os_ + "-" + arch + ".tar.gz"
			data := []byte("archive " + os_ + arch)
			require.NoError(t, os.WriteFile(filepath.Join(work, "dist", name), data, 0o600))
			sum := sha256.Sum256(data)
			want[name] = hex.EncodeToString(sum[:])
		}
	}
	out, outputs, ok := runStep(t, checksums, work, map[string]string{"GITHUB_REF_NAME": "v1.2.0"})
	require.True(t, ok, out)
	assert.Equal(t, "dist/pulumi-resource-xaccount-v1.2.0-checksums.txt", outputs["file"])
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(readFile(t, filepath.Join(work, outputs["file"]))), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		require.Truef(t, ok, "a sha256sum line: %q", line)
		got[name] = sum
	}
	assert.Equal(t, want, got)
	verify := exec.Command("sha256sum", "-c", "pulumi-resource-xaccount-v1.2.0-checksums.txt")
	verify.Dir = filepath.Join(work, "dist")
	vout, err := verify.CombinedOutput()
	assert.NoError(t, err, string(vout))

	require.NoError(t, os.Remove(filepath.Join(work, "dist", "pulumi-resource-xaccount-v1.2.0-windows-arm64.tar.gz")))
	out, _, ok = runStep(t, checksums, work, map[string]string{"GITHUB_REF_NAME": "v1.2.0"})
	assert.False(t, ok, "five archives of six: %s", out)

	notes := w.Jobs["release"].step(t, "The release notes (the CHANGELOG's section of the tag)")
	version := strings.TrimSpace(readFile(t, filepath.Join(projectRoot, "cmd", "pulumi-resource-xaccount", "VERSION")))
	tmp := t.TempDir()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-e", "-c", notes.Run)
	cmd.Dir = projectRoot
	cmd.Env = append(os.Environ(), "GITHUB_REF_NAME=v"+version, "RUNNER_TEMP="+tmp)
	nout, err := cmd.CombinedOutput()
	require.NoError(t, err, string(nout))
	text := readFile(t, filepath.Join(tmp, "notes.md"))
	changelog := readFile(t, filepath.Join(projectRoot, "CHANGELOG.md"))
	section := changelog[strings.Index(changelog, "## v"+version+"\n")+len("## v"+version+"\n"):]
	if next := strings.Index(section, "\n## "); next >= 0 {
		section = section[:next+1]
	}
	assert.Equal(t, section, text)
	assert.NotContains(t, text, "\n## ")

	cmd = exec.Command("bash", "--noprofile", "--norc", "-e", "-c", notes.Run)
	cmd.Dir = projectRoot
	cmd.Env = append(os.Environ(), "GITHUB_REF_NAME=v9.9.9", "RUNNER_TEMP="+tmp)
	nout, err = cmd.CombinedOutput()
	assert.Error(t, err, "no section for the tag")
	assert.Contains(t, string(nout), "CHANGELOG.md has no section ## v9.9.9")
}

// TestProviderDistNamesTheArchiveAsEnginesFetchIt: make provider-dist
// writes pulumi-resource-xaccount-v<VERSION>-<os>-<arch>.tar.gz, the name an
// engine asks a github:// plugin server for, holding the binary under the
// name the engine runs: pulumi-resource-xaccount, with .exe on windows
// (getCandidateExtensions in pulumi/pulumi sdk/go/common/workspace/plugins.go).
func TestProviderDistNamesTheArchiveAsEnginesFetchIt(t *testing.T) {
	version := strings.TrimSpace(readFile(t, filepath.Join(projectRoot, "cmd", "pulumi-resource-xaccount", "VERSION")))
	for _, c := range []struct{ goos, goarch, binary string }{
		{"darwin", "arm64", "pulumi-resource-xaccount"},
		{"linux", "amd64", "pulumi-resource-xaccount"},
		{"windows", "amd64", "pulumi-resource-xaccount.exe"},
		{"windows", "arm64", "pulumi-resource-xaccount.exe"},
	} {
		cmd := exec.Command("make", "-n", "provider-dist", "GOOS="+c.goos, "GOARCH="+c.goarch, "DIST=out")
		cmd.Dir = projectRoot
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, string(out))
		platform := c.goos + "-" + c.goarch
		assert.Contains(t, string(out), "tar -czf out/pulumi-resource-xaccount-v"+version+"-"+platform+".tar.gz -C out/"+platform+" "+c.binary+"\n")
		assert.Contains(t, string(out), "/out/"+platform+"/"+c.binary+" .")
		assert.Contains(t, string(out), "GOOS="+c.goos+" GOARCH="+c.goarch)
		assert.Contains(t, string(out), "-X main.Version="+version)
	}
}
