package fakeaws

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"gocloud.dev/blob"
	"gocloud.dev/blob/driver"
	"gocloud.dev/gcerrors"
)

// StateScheme is the URL scheme of the simulated S3 bucket a Pulumi DIY
// backend can be opened on in-process (diy.New), so Pulumi's own backend
// code makes the object calls a pipeline's `pulumi up` or preview makes on
// s3://: StateScheme://<bucket>/<prefix>?caller=<name>.
const StateScheme = "s3sim"

// StateBucket is an S3 bucket holding Pulumi state, in memory. Every call
// of a caller (As) is evaluated against the caller's identity policy with
// this package's IAM, with the actions and condition keys S3 authorizes
// them with ("Required permissions for Amazon S3 API operations", Amazon
// S3 user guide; "Actions, resources, and condition keys for Amazon S3"):
//
//   - HeadObject and GetObject: s3:GetObject on arn:aws:s3:::<bucket>/<key>;
//     for a key that does not exist, S3 answers 404 (NoSuchKey) only to a
//     caller that also has s3:ListBucket on the bucket, 403 (AccessDenied)
//     otherwise ("HeadObject", "GetObject", Amazon S3 API reference,
//     Permissions). AWS does not document which s3:prefix that check sees;
//     this bucket evaluates it without one, the strict reading, so a
//     ListBucket allowed only for some prefixes does not count;
//   - PutObject: s3:PutObject on the object; CopyObject: s3:GetObject on
//     the source and s3:PutObject on the destination; DeleteObject:
//     s3:DeleteObject on the object, after the HeadObject gocloud's s3blob
//     driver makes first (Pulumi's backend reaches S3 through it);
//   - ListObjectsV2: s3:ListBucket on arn:aws:s3:::<bucket>, with the
//     request's prefix and delimiter as s3:prefix and s3:delimiter (absent
//     when the request has none).
//
// A refused call fails with S3's AccessDenied and the message S3 gives
// within an account ("Troubleshoot access denied (403 Forbidden) errors in
// Amazon S3": "User: … is not authorized to perform: … on resource: … because
// no identity-based policy allows the … action") and changes nothing.
type StateBucket struct {
	Name    string
	mu      sync.Mutex
	objects map[string]stateObject
	callers map[string]stateCaller
}

type stateObject struct {
	data []byte
	mod  time.Time
}

type stateCaller struct {
	principal string
	// policy is nil for an administrator whose calls are not checked.
	policy *iamPolicy
}

var (
	stateBucketsMu sync.Mutex
	stateBuckets   = map[string]*StateBucket{}
	registerOnce   sync.Once
)

// NewStateBucket creates the bucket name (replacing one of that name) and
// registers StateScheme with gocloud's default URL mux, which diy.New opens
// buckets through.
func NewStateBucket(name string) *StateBucket {
	registerOnce.Do(func() { blob.DefaultURLMux().RegisterBucket(StateScheme, stateOpener{}) })
	b := &StateBucket{Name: name, objects: map[string]stateObject{}, callers: map[string]stateCaller{}}
	stateBucketsMu.Lock()
	defer stateBucketsMu.Unlock()
	stateBuckets[name] = b
	return b
}

// AddCaller names a caller of the bucket: its principal (for messages) and
// its identity policy (JSON); an empty policy is an administrator whose
// calls are not checked (who creates the backend and the stacks).
func (b *StateBucket) AddCaller(name, principal, policy string) error {
	c := stateCaller{principal: principal}
	if policy != "" {
		doc, err := parsePolicy(policy)
		if err != nil {
			return err
		}
		c.policy = &doc
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.callers[name] = c
	return nil
}

// URL is the backend URL of the bucket with prefix, for caller.
func (b *StateBucket) URL(prefix, caller string) string {
	return fmt.Sprintf("%s://%s/%s?caller=%s", StateScheme, b.Name, strings.TrimPrefix(prefix, "/"), url.QueryEscape(caller))
}

// As is the bucket as caller sees it, without a prefix (raw object keys).
func (b *StateBucket) As(caller string) (*blob.Bucket, error) {
	b.mu.Lock()
	c, ok := b.callers[caller]
	b.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("fakeaws: state bucket %s: no caller %q", b.Name, caller)
	}
	return blob.NewBucket(&stateDriver{b: b, caller: c}), nil
}

// Keys lists the bucket's object keys, sorted.
func (b *StateBucket) Keys() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	keys := make([]string, 0, len(b.objects))
	for k := range b.objects {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

type stateOpener struct{}

func (stateOpener) OpenBucketURL(_ context.Context, u *url.URL) (*blob.Bucket, error) {
	stateBucketsMu.Lock()
	b, ok := stateBuckets[u.Host]
	stateBucketsMu.Unlock()
	if !ok {
		return nil, fmt.Errorf("operation error S3: NoSuchBucket: The specified bucket does not exist (%s)", u.Host)
	}
	return b.As(u.Query().Get("caller"))
}

// stateError is an S3 error with the gocloud code the backend tests for.
type stateError struct {
	code gcerrors.ErrorCode
	msg  string
}

func (e *stateError) Error() string { return e.msg }

type stateDriver struct {
	b      *StateBucket
	caller stateCaller
}

func (d *stateDriver) denied(action, resource string, explicit bool) error {
	why := "because no identity-based policy allows the " + action + " action"
	if explicit {
		why = "with an explicit deny in an identity-based policy"
	}
	return &stateError{code: gcerrors.PermissionDenied, msg: fmt.Sprintf(
		"operation error S3: %s, https response error StatusCode: 403, api error AccessDenied: User: %s is not authorized to perform: %s on resource: \"%s\" %s",
		strings.TrimPrefix(action, "s3:"), d.caller.principal, action, resource, why)}
}

func (d *stateDriver) authorize(action, resource string, context map[string][]string) error {
	if d.caller.policy == nil {
		return nil
	}
	switch d.caller.policy.decide(request{Action: action, Resource: resource, Context: context}) {
	case allowed:
		return nil
	case explicitDeny:
		return d.denied(action, resource, true)
	}
	return d.denied(action, resource, false)
}

func (d *stateDriver) bucketArn() string         { return "arn:aws:s3:::" + d.b.Name }
func (d *stateDriver) objectArn(k string) string { return d.bucketArn() + "/" + k }

// read is GetObject/HeadObject: the object, or S3's answer for a key that
// does not exist (404 with s3:ListBucket on the bucket, 403 without).
func (d *stateDriver) read(key string) (stateObject, error) {
	if err := d.authorize("s3:GetObject", d.objectArn(key), nil); err != nil {
		return stateObject{}, err
	}
	d.b.mu.Lock()
	o, ok := d.b.objects[key]
	d.b.mu.Unlock()
	if ok {
		return o, nil
	}
	if err := d.authorize("s3:ListBucket", d.bucketArn(), nil); err != nil {
		return stateObject{}, &stateError{code: gcerrors.PermissionDenied, msg: fmt.Sprintf(
			"operation error S3: GetObject, https response error StatusCode: 403, api error AccessDenied: Access Denied (%s does not exist, and the caller may not list the bucket)", key)}
	}
	return stateObject{}, &stateError{code: gcerrors.NotFound, msg: "operation error S3: GetObject, https response error StatusCode: 404, api error NoSuchKey: The specified key does not exist. (" + key + ")"}
}

func (d *stateDriver) ErrorCode(err error) gcerrors.ErrorCode {
	var e *stateError
	if errors.As(err, &e) {
		return e.code
	}
	return gcerrors.Unknown
}

func (d *stateDriver) As(any) bool             { return false }
func (d *stateDriver) ErrorAs(error, any) bool { return false }

func (d *stateDriver) Attributes(_ context.Context, key string) (*driver.Attributes, error) {
	o, err := d.read(key)
	if err != nil {
		return nil, err
	}
	return &driver.Attributes{ModTime: o.mod, Size: int64(len(o.data)), ContentType: "application/octet-stream"}, nil
}

func (d *stateDriver) ListPaged(_ context.Context, opts *driver.ListOptions) (*driver.ListPage, error) {
	context := map[string][]string{}
	if opts.Prefix != "" {
		context["s3:prefix"] = []string{opts.Prefix}
	}
	if opts.Delimiter != "" {
		context["s3:delimiter"] = []string{opts.Delimiter}
	}
	if err := d.authorize("s3:ListBucket", d.bucketArn(), context); err != nil {
		return nil, err
	}
	d.b.mu.Lock()
	var entries []*driver.ListObject
	dirs := map[string]bool{}
	for key, o := range d.b.objects {
		if !strings.HasPrefix(key, opts.Prefix) {
			continue
		}
		if opts.Delimiter != "" {
			if i := strings.Index(key[len(opts.Prefix):], opts.Delimiter); i >= 0 {
				dir := key[:len(opts.Prefix)+i+len(opts.Delimiter)]
				if !dirs[dir] {
					dirs[dir] = true
					entries = append(entries, &driver.ListObject{Key: dir, IsDir: true})
				}
				continue
			}
		}
		entries = append(entries, &driver.ListObject{Key: key, ModTime: o.mod, Size: int64(len(o.data))})
	}
	d.b.mu.Unlock()
	slices.SortFunc(entries, func(a, b *driver.ListObject) int { return strings.Compare(a.Key, b.Key) })
	// One page: the state of a test is small.
	return &driver.ListPage{Objects: entries}, nil
}

type stateReader struct {
	io.Reader
	attrs driver.ReaderAttributes
}

func (r *stateReader) Close() error                         { return nil }
func (r *stateReader) Attributes() *driver.ReaderAttributes { return &r.attrs }
func (r *stateReader) As(any) bool                          { return false }
func (d *stateDriver) SignedURL(context.Context, string, *driver.SignedURLOptions) (string, error) {
	return "", &stateError{code: gcerrors.Unimplemented, msg: "fakeaws: no signed URLs"}
}
func (d *stateDriver) Close() error { return nil }

func (d *stateDriver) NewRangeReader(_ context.Context, key string, offset, length int64, _ *driver.ReaderOptions) (driver.Reader, error) {
	o, err := d.read(key)
	if err != nil {
		return nil, err
	}
	data := o.data
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	data = data[offset:]
	if length >= 0 && length < int64(len(data)) {
		data = data[:length]
	}
	return &stateReader{Reader: bytes.NewReader(data), attrs: driver.ReaderAttributes{ModTime: o.mod, Size: int64(len(o.data))}}, nil
}

type stateWriter struct {
	d   *stateDriver
	key string
	buf bytes.Buffer
}

func (w *stateWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *stateWriter) Close() error {
	w.d.b.mu.Lock()
	defer w.d.b.mu.Unlock()
	w.d.b.objects[w.key] = stateObject{data: bytes.Clone(w.buf.Bytes()), mod: time.Now()}
	return nil
}

func (d *stateDriver) NewTypedWriter(_ context.Context, key, _ string, _ *driver.WriterOptions) (driver.Writer, error) {
	if err := d.authorize("s3:PutObject", d.objectArn(key), nil); err != nil {
		return nil, err
	}
	return &stateWriter{d: d, key: key}, nil
}

func (d *stateDriver) Copy(_ context.Context, dstKey, srcKey string, _ *driver.CopyOptions) error {
	o, err := d.read(srcKey)
	if err != nil {
		return err
	}
	if err := d.authorize("s3:PutObject", d.objectArn(dstKey), nil); err != nil {
		return err
	}
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	d.b.objects[dstKey] = stateObject{data: bytes.Clone(o.data), mod: time.Now()}
	return nil
}

// Delete is as gocloud's s3blob driver deletes (s3blob.go, bucket.Delete):
// a HeadObject first, so a key that does not exist is NotFound (S3's
// DeleteObject itself succeeds for one), then DeleteObject.
func (d *stateDriver) Delete(_ context.Context, key string, _ *driver.DeleteOptions) error {
	if _, err := d.read(key); err != nil {
		return err
	}
	if err := d.authorize("s3:DeleteObject", d.objectArn(key), nil); err != nil {
		return err
	}
	d.b.mu.Lock()
	defer d.b.mu.Unlock()
	delete(d.b.objects, key)
	return nil
}
