package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"userpool/internal/tlscert"
)

// Environment variables the harness reads.
const (
	ChromiumEnv = "USERPOOL_TEST_CHROMIUM" // path of the Chromium binary
	AxeEnv      = "USERPOOL_TEST_AXE"      // path of axe.min.js
)

// Viewport widths the project checks pages at.
const (
	Desktop = 1440
	Phone   = 360
)

// DefaultTimeout bounds each helper's wait (an element to appear, a URL).
const DefaultTimeout = 15 * time.Second

// Options of New.
type Options struct {
	// TrustCert is a PEM certificate file whose public key the browser
	// accepts for HTTPS (e.g. userpool's tls-self-signed.crt).
	TrustCert string
	// Width and Height of the viewport (default Desktop × 900).
	Width, Height int
	// Timeout of each helper's wait (default DefaultTimeout).
	Timeout time.Duration
}

// Browser is one headless Chromium with one tab. Its helpers fail the test
// they were created for when the browser errs.
type Browser struct {
	t       testing.TB
	ctx     context.Context
	timeout time.Duration
	width   int
	height  int

	mu      sync.Mutex
	console []string // console messages, exceptions and log entries of the page
}

// ExecPath returns the Chromium to run: $USERPOOL_TEST_CHROMIUM, else
// chromium (or chromium-browser) on PATH; "" when there is none.
func ExecPath() string {
	if p := os.Getenv(ChromiumEnv); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Require returns the Chromium path, or skips the test when there is none
// (fails it when $CI is set, as CI systems do: CI installs Chromium, so its absence is a fault).
func Require(t testing.TB) string {
	t.Helper()
	p := ExecPath()
	if p != "" {
		return p
	}
	msg := "no Chromium: install Debian's chromium (scripts/test does) or set " + ChromiumEnv
	if os.Getenv("CI") != "" {
		t.Fatal(msg + " (CI is set: browser tests may not be skipped)")
	}
	t.Skip(msg)
	return ""
}

// New starts a headless Chromium for t (closed at cleanup) and opens a tab.
func New(t testing.TB, opts Options) *Browser {
	t.Helper()
	execPath := Require(t)
	if opts.Width == 0 {
		opts.Width = Desktop
	}
	if opts.Height == 0 {
		opts.Height = 900
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	allocOpts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(execPath),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(opts.Width, opts.Height),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-proxy-server", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		// Chromium refuses to start its sandbox as root.
		allocOpts = append(allocOpts, chromedp.NoSandbox)
	}
	if opts.TrustCert != "" {
		spki, err := tlscert.SPKIHash(opts.TrustCert)
		if err != nil {
			t.Fatal(err)
		}
		allocOpts = append(allocOpts, chromedp.Flag("ignore-certificate-errors-spki-list", spki))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), allocOpts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &Browser{t: t, ctx: ctx, timeout: opts.Timeout, width: opts.Width, height: opts.Height}
	// The first Run starts the browser; it must not carry a timeout (the
	// timeout would end the browser with it).
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(opts.Width), int64(opts.Height))); err != nil {
		t.Fatalf("starting Chromium (%s): %v", execPath, err)
	}
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatal(err)
	}
	b.run("enable the page's log", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, cdplog.Enable, cdp.Empty{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, t, cdpruntime.Enable, cdp.Empty{})
		return err
	}))
	return b
}

// record keeps the page's console output, uncaught exceptions and log
// entries (failed loads, CSP refusals) for Console and failure messages.
func (b *Browser) record(ev any) {
	var line string
	switch e := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		var parts []string
		for _, a := range e.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		line = "console." + string(e.Type) + ": " + strings.Join(parts, " ")
	case *cdpruntime.EventExceptionThrown:
		d := e.ExceptionDetails
		line = "exception: " + d.Text
		if d.Exception != nil {
			line += " " + d.Exception.Description
		}
		if d.URL != "" {
			line += fmt.Sprintf(" (%s:%d)", d.URL, d.LineNumber+1)
		}
	case *cdplog.EventEntryAdded:
		line = "log." + string(e.Entry.Level) + ": " + e.Entry.Text
		if e.Entry.URL != "" {
			line += " (" + e.Entry.URL + ")"
		}
	default:
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.console) < 1000 {
		b.console = append(b.console, line)
	}
}

// Console returns what the page wrote to the console, its uncaught
// exceptions and the browser's log entries for it, oldest first.
func (b *Browser) Console() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// consoleTail is the end of Console for failure messages.
func (b *Browser) consoleTail() string {
	c := b.Console()
	if len(c) == 0 {
		return ""
	}
	if len(c) > 20 {
		c = c[len(c)-20:]
	}
	return "\npage console:\n  " + strings.Join(c, "\n  ")
}

// Context is the chromedp context of the tab, for actions the helpers do
// not cover (derive timeouts from it; never cancel it).
func (b *Browser) Context() context.Context { return b.ctx }

// run runs steps under the helpers' timeout and fails the test on error.
func (b *Browser) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := b.try(steps...); err != nil {
		b.t.Fatalf("browser: %s: %v (at %s)%s", what, err, b.location(), b.consoleTail())
	}
}

func (b *Browser) try(steps ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	return chromedp.Do(ctx, steps...)
}

func (b *Browser) location() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "unknown location"
	}
	return u
}

// Navigate loads url and waits for its load event.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.run("navigate to "+url, chromedp.Navigate(url))
}

// URL returns the tab's current URL.
func (b *Browser) URL() string {
	b.t.Helper()
	return b.location()
}

// Roles a control found by its label may have (Fill) and that a click by
// name looks for (Click), in the order tried.
var (
	fieldRoles     = []string{"textbox", "searchbox", "combobox", "spinbutton"}
	clickableRoles = []string{"button", "link", "menuitem", "tab", "checkbox", "radio"}
)

// byName is a query option finding elements by their computed accessible
// name and role (Accessibility.queryAXTree), the way assistive technology
// names them: a <label for>, aria-label, aria-labelledby, a button's text.
func byName(name string, roles []string) chromedp.QueryOption {
	return chromedp.ByFunc(func(ctx context.Context, t *chromedp.Target, n *chromedp.Node) ([]cdp.NodeID, error) {
		var backend []cdp.BackendNodeID
		for _, role := range roles {
			res, err := cdp.Call(ctx, t, accessibility.QueryAXTree, accessibility.QueryAXTreeParams{
				NodeID: n.NodeID, AccessibleName: name, Role: role,
			})
			if err != nil {
				return nil, err
			}
			for _, ax := range res.Nodes {
				if !ax.Ignored && ax.BackendDOMNodeID != 0 {
					backend = append(backend, ax.BackendDOMNodeID)
				}
			}
			if len(backend) > 0 {
				break
			}
		}
		if len(backend) == 0 {
			return nil, nil // not yet: the query retries until the timeout
		}
		res, err := cdp.Call(ctx, t, dom.PushNodesByBackendIDsToFrontend, dom.PushNodesByBackendIDsToFrontendParams{BackendNodeIDs: backend})
		if err != nil {
			return nil, err
		}
		return res.NodeIDs, nil
	})
}

// Fill types value into the text field whose accessible name (its label) is
// label, after clearing it. It waits for the field to appear.
func (b *Browser) Fill(label, value string) {
	b.t.Helper()
	q := byName(label, fieldRoles)
	b.run(fmt.Sprintf("fill the field labelled %q", label),
		chromedp.Focus("field "+label, q, chromedp.NodeVisible),
		chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](`(e => { e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); return true })(document.activeElement)`)(ctx, t)
			return err
		}),
		chromedp.SendKeys("field "+label, value, q, chromedp.NodeVisible))
}

// Click clicks the button or link (or other clickable role) whose
// accessible name is name. It waits for the element to be visible.
func (b *Browser) Click(name string) {
	b.t.Helper()
	b.run(fmt.Sprintf("click %q", name),
		chromedp.Click("control "+name, byName(name, clickableRoles), chromedp.NodeVisible))
}

// ClickAndWaitLoad clicks like Click and waits for the page it loads (a
// form submission, a link).
func (b *Browser) ClickAndWaitLoad(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil,
		chromedp.Click("control "+name, byName(name, clickableRoles), chromedp.NodeVisible)))
	if err != nil {
		b.t.Fatalf("browser: click %q and wait for the next page: %v (at %s)%s", name, err, b.location(), b.consoleTail())
	}
}

// Text returns the visible text (innerText) of the first element matching
// the CSS selector, waiting for it to be visible.
func (b *Browser) Text(css string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	var s string
	var err error
	for {
		s, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css), chromedp.NodeVisible))
		// A navigation that replaces the document between finding the node
		// and reading it (a form just submitted) loses the node: read the
		// new document's.
		if err == nil || !strings.Contains(err.Error(), "No node with given id found") || ctx.Err() != nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		b.t.Fatalf("browser: text of %q: %v (at %s)%s", css, err, b.location(), b.consoleTail())
	}
	return s
}

// Eval evaluates a JavaScript expression in the page and returns its value
// (promises awaited) as JSON decoded into T.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: evaluating %q: %v (at %s)%s", short(expr), err, b.location(), b.consoleTail())
	}
	return v
}

func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// WaitURL waits until the tab's URL satisfies ok (e.g. a redirect to the
// callback) and returns it.
func (b *Browser) WaitURL(ok func(url string) bool) string {
	b.t.Helper()
	deadline := time.Now().Add(b.timeout)
	for {
		u := b.location()
		if ok(u) {
			return u
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("browser: URL is still %s after %v%s", u, b.timeout, b.consoleTail())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// WaitURLPrefix waits until the tab's URL starts with prefix and returns it.
func (b *Browser) WaitURLPrefix(prefix string) string {
	b.t.Helper()
	return b.WaitURL(func(u string) bool { return strings.HasPrefix(u, prefix) })
}

// SetWidth sets the viewport width (height unchanged), e.g. Phone.
func (b *Browser) SetWidth(width int) {
	b.t.Helper()
	b.width = width
	b.run(fmt.Sprintf("viewport %dpx", width), chromedp.EmulateViewport(int64(width), int64(b.height)))
}

// Screenshot sets the viewport to width, captures the whole page as PNG
// into the test's artifact directory as <name>-<width>.png and returns the
// file's path. The viewport stays at width.
func (b *Browser) Screenshot(name string, width int) string {
	b.t.Helper()
	b.SetWidth(width)
	ctx, cancel := context.WithTimeout(b.ctx, b.timeout)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot %s at %dpx: %v", name, width, err)
	}
	path := filepath.Join(artifactDir(b.t), fmt.Sprintf("%s-%d.png", name, width))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// artifactDir is t.ArtifactDir() when t has one (Go 1.26 *testing.T and
// *testing.B), else a temporary directory.
func artifactDir(t testing.TB) string {
	if a, ok := t.(interface{ ArtifactDir() string }); ok {
		return a.ArtifactDir()
	}
	return t.TempDir()
}

// Overflow reports the document's scroll width and client width; the page
// overflows horizontally when scrollWidth > clientWidth.
func (b *Browser) Overflow() (scrollWidth, clientWidth int) {
	b.t.Helper()
	v := Eval[[2]int](b, `[document.documentElement.scrollWidth, document.documentElement.clientWidth]`)
	return v[0], v[1]
}

// CheckNoOverflow fails the test (without stopping it) when the page is
// wider than the viewport at the current width.
func (b *Browser) CheckNoOverflow(name string) {
	b.t.Helper()
	if sw, cw := b.Overflow(); sw > cw {
		b.t.Errorf("%s at %dpx overflows horizontally: scrollWidth %d > clientWidth %d", name, b.width, sw, cw)
	}
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID          string   `json:"id"`
	Impact      string   `json:"impact"`
	Description string   `json:"description"`
	HelpURL     string   `json:"helpUrl"`
	Targets     []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s (%s)", v.ID, v.Impact, v.Description, strings.Join(v.Targets, ", "), v.HelpURL)
}

// AxePath returns axe.min.js: $USERPOOL_TEST_AXE, else
// e2e/js/node_modules/axe-core/axe.min.js of this module.
func AxePath() (string, error) {
	if p := os.Getenv(AxeEnv); p != "" {
		return p, nil
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return "", errors.New("browser: cannot locate the module")
	}
	p := filepath.Join(filepath.Dir(file), "..", "js", "node_modules", "axe-core", "axe.min.js")
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("browser: axe-core not installed (%w): run `npm ci` in e2e/js or set %s", err, AxeEnv)
	}
	return p, nil
}

// Axe injects axe-core into the page, runs it (WCAG 2 A and AA rules and
// best practices) and returns the serious and critical violations.
func (b *Browser) Axe() []Violation {
	b.t.Helper()
	path, err := AxePath()
	if err != nil {
		if os.Getenv("CI") != "" {
			b.t.Fatal(err)
		}
		b.t.Skip(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatal(err)
	}
	if !Eval[bool](b, `typeof window.axe === "object"`) {
		Eval[bool](b, string(src)+"\n;true")
	}
	raw := Eval[string](b, `axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
		r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
			id: v.id, impact: v.impact, description: v.description, helpUrl: v.helpUrl,
			targets: v.nodes.map(n => n.target.join(" "))}))))`)
	var vs []Violation
	if err := json.Unmarshal([]byte(raw), &vs); err != nil {
		b.t.Fatalf("browser: axe result: %v", err)
	}
	return vs
}

// CheckAccessible fails the test (without stopping it) for each serious or
// critical axe-core violation of the page.
func (b *Browser) CheckAccessible(name string) {
	b.t.Helper()
	for _, v := range b.Axe() {
		b.t.Errorf("%s: accessibility: %s", name, v)
	}
}

// Authenticator options of AddVirtualAuthenticator.
type Authenticator struct {
	// Transport: "internal" (a platform authenticator such as a passkey
	// provider; the default) or "usb", "nfc", "ble", "hybrid".
	Transport string
	// ResidentKey (discoverable credentials, i.e. passkeys) and
	// UserVerification (PIN/biometrics) support; both default to true
	// through DefaultAuthenticator.
	ResidentKey, UserVerification bool
}

// DefaultAuthenticator is a platform passkey authenticator that verifies
// the user.
var DefaultAuthenticator = Authenticator{Transport: "internal", ResidentKey: true, UserVerification: true}

// AddVirtualAuthenticator enables the DevTools WebAuthn domain and adds a
// CTAP2 virtual authenticator that answers navigator.credentials.create
// and get without a person (user presence and verification succeed). It
// returns the authenticator's id.
func (b *Browser) AddVirtualAuthenticator(a Authenticator) webauthn.AuthenticatorID {
	b.t.Helper()
	if a.Transport == "" {
		a.Transport = "internal"
	}
	var id webauthn.AuthenticatorID
	b.run("add a virtual authenticator", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		res, err := cdp.Call(ctx, t, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{
			Options: &webauthn.VirtualAuthenticatorOptions{
				Protocol:                    webauthn.AuthenticatorProtocolCtap2,
				Ctap2version:                webauthn.Ctap2versionCtap21,
				Transport:                   webauthn.AuthenticatorTransport(a.Transport),
				HasResidentKey:              a.ResidentKey,
				HasUserVerification:         a.UserVerification,
				IsUserVerified:              a.UserVerification,
				AutomaticPresenceSimulation: true,
			},
		})
		if err != nil {
			return err
		}
		id = res.AuthenticatorID
		return nil
	}))
	return id
}

// Credentials returns the credentials a virtual authenticator holds.
func (b *Browser) Credentials(id webauthn.AuthenticatorID) []*webauthn.Credential {
	b.t.Helper()
	var creds []*webauthn.Credential
	b.run("read the virtual authenticator's credentials", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		res, err := cdp.Call(ctx, t, webauthn.GetCredentials, webauthn.GetCredentialsParams{AuthenticatorID: id})
		creds = res.Credentials
		return err
	}))
	return creds
}
