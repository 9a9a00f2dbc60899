package sdkgen

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pythonCheck byte-compiles every file of the Python SDK in memory (no
// __pycache__ is written) and, for each resource token of the schema,
// finds the class its package's __init__ exports (the resource_modules
// table names the module and class; the module's __init__ must star-import
// a file defining it, the root __init__ must import the submodule). It
// prints the problems as a JSON list. Then it byte-compiles the Python
// example and checks that every class it takes from the SDK exists and
// takes the parameters it is given. The pulumi package itself is not
// installed here (no package index is reachable), so nothing is imported.
const pythonCheck = `
import ast, json, pathlib, sys
root = pathlib.Path(sys.argv[1])
tokens = json.loads(sys.argv[2])
problems = []
for f in sorted(root.rglob("*.py")):
    try:
        compile(f.read_text(), str(f), "exec")
    except SyntaxError as e:
        problems.append("%s: %s" % (f, e))
def star_imports(init):
    tree = ast.parse(init.read_text())
    return [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and any(a.name == "*" for a in n.names)]
def classes(f):
    return [n.name for n in ast.parse(f.read_text()).body if isinstance(n, ast.ClassDef)]
root_init = (root / "__init__.py").read_text()
for token in tokens:
    _, mod, name = token.split(":")
    pkg = root if mod == "index" else root / (mod + "_" if mod == "lambda" else mod)
    if pkg != root and ("'%s.%s'" % (root.name, pkg.name)) not in root_init:
        problems.append("%s: the root __init__ does not import %s" % (token, pkg.name))
    if not (pkg / "__init__.py").exists():
        problems.append("%s: no package %s" % (token, pkg))
        continue
    if not any(name in classes(pkg / (m + ".py")) for m in star_imports(pkg / "__init__.py") if (pkg / (m + ".py")).exists()):
        problems.append("%s: %s/__init__.py exports no class %s" % (token, pkg.name, name))
# The example (argv[3]) compiles and uses only classes of the SDK's root and
# parameters they take.
example = pathlib.Path(sys.argv[3])
tree = ast.parse(example.read_text(), str(example))
exported = {}
for m in star_imports(root / "__init__.py"):
    f = root / (m + ".py")
    if f.exists():
        for n in ast.parse(f.read_text()).body:
            if isinstance(n, ast.ClassDef):
                params = set()
                for fn in n.body:
                    if isinstance(fn, ast.FunctionDef) and fn.name in ("__init__", "_internal_init"):
                        params |= {a.arg for a in fn.args.args + fn.args.kwonlyargs}
                exported[n.name] = params
calls = 0
for n in ast.walk(tree):
    if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name) and n.func.value.id == "xaccount":
        calls += 1
        if n.func.attr not in exported:
            problems.append("%s:%d: xaccount.%s is not a class of the SDK" % (example.name, n.lineno, n.func.attr))
            continue
        for k in n.keywords:
            if k.arg not in exported[n.func.attr]:
                problems.append("%s:%d: xaccount.%s takes no %s" % (example.name, n.lineno, n.func.attr, k.arg))
if calls == 0:
    problems.append("%s: no call of the SDK" % example.name)
print(json.dumps(problems))
`

// TestPythonSdkAndExampleCompileAndMatch runs pythonCheck on the committed
// Python SDK and examples/python.
func TestPythonSdkAndExampleCompileAndMatch(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH: the Python SDK's byte-compile check needs it (apt-get install python3)")
	}
	var spec struct {
		Resources map[string]any `json:"resources"`
	}
	raw, err := os.ReadFile(filepath.Join(sdkDir, "schema.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &spec))
	var tokens []string
	for token := range spec.Resources {
		tokens = append(tokens, token)
	}
	sort.Strings(tokens)
	require.Len(t, tokens, 8)
	js, err := json.Marshal(tokens)
	require.NoError(t, err)
	out, err := exec.Command(python, "-c", pythonCheck, filepath.Join(sdkDir, "python", "pulumi_xaccount"), string(js),
		filepath.Join(sdkDir, "..", "examples", "python", "__main__.py")).CombinedOutput() //nolint:gosec // the check above
	require.NoError(t, err, string(out))
	var problems []string
	require.NoError(t, json.Unmarshal(out, &problems), string(out))
	assert.Empty(t, problems)
}

// sdistCheck builds the Python SDK's source distribution with setuptools
// (the build backend pyproject.toml names; no build isolation, so nothing is
// downloaded) in the folder argv[1], a copy of sdk/python, and prints the
// PKG-INFO it wrote and every warning.
const sdistCheck = `
import io, os, sys, tarfile, warnings, contextlib
src, dist = sys.argv[1], sys.argv[2]  # build_sdist rewrites sys.argv
os.chdir(src)
from setuptools import build_meta
with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    warnings.simplefilter("always")
    name = build_meta.build_sdist(dist)
with tarfile.open(os.path.join(dist, name)) as t:
    info = next(m for m in t.getmembers() if m.name.count("/") == 1 and m.name.endswith("/PKG-INFO"))
    print(t.extractfile(info).read().decode())
for w in caught:
    print("WARNING:", w.message)
`

// TestPythonSdkReadmeIsThere: the README pyproject.toml names is beside it
// (the generator writes one only into the package folder), and setuptools
// puts it into the distribution's description without a warning (before,
// "File '…/README.md' cannot be found" and no description).
func TestPythonSdkReadmeIsThere(t *testing.T) {
	dir := filepath.Join(sdkDir, "python")
	pyproject, err := os.ReadFile(filepath.Join(dir, "pyproject.toml"))
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*readme = "([^"]+)"$`).FindSubmatch(pyproject)
	require.NotNil(t, m, "pyproject.toml names a readme")
	readme, err := os.ReadFile(filepath.Join(dir, string(m[1])))
	require.NoError(t, err, "the readme pyproject.toml names")
	require.NotEmpty(t, strings.TrimSpace(string(readme)))

	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not on PATH: the source distribution's check needs it (apt-get install python3)")
	}
	if exec.Command(python, "-c", "import setuptools").Run() != nil {
		t.Skip("setuptools is not installed: the source distribution's check needs it (python3 -m pip install setuptools)")
	}
	work := t.TempDir()
	copyTree(t, dir, filepath.Join(work, "python"))
	out, err := exec.Command(python, "-c", sdistCheck, filepath.Join(work, "python"), filepath.Join(work, "dist")).CombinedOutput() //nolint:gosec // the check above
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "Description-Content-Type: text/markdown")
	assert.Contains(t, string(out), strings.TrimSpace(string(readme)), "the README is the distribution's description")
	assert.NotContains(t, string(out), "cannot be found")
}

// copyTree copies the files under src to dst, leaving out what building
// leaves beside them.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	for name, data := range tree(t, src) {
		p := filepath.Join(dst, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o750))
		require.NoError(t, os.WriteFile(p, data, 0o600))
	}
}
