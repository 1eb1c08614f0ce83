package browser

import (
	"crypto/x509"
	"encoding/pem"
	"image/png"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"userpool/internal/tlscert"
)

// page is a small form: a labelled e-mail field, a password field labelled
// by aria-label, a button named by its text that shows what was typed and
// enables passkey registration. /wide is the same page with an element
// wider than a phone's viewport; /bad has an unlabelled field and an image
// without alt text (axe-core's serious/critical rules).
const formPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Harness</title>
<style>body{font-family:sans-serif;margin:1rem} input{max-width:100%} {{STYLE}}</style></head>
<body><main>
<h1>Sign in</h1>
<form id="f" onsubmit="event.preventDefault(); document.getElementById('out').textContent = 'hello ' + document.getElementById('email').value + ' (' + document.querySelector('[aria-label=Password]').value.length + ')'; history.pushState({}, '', '/done?ok=1')">
<p><label for="email">Email address</label><br><input id="email" type="email" autocomplete="email"></p>
<p><input aria-label="Password" type="password" autocomplete="current-password"></p>
<p><button type="submit">Sign in</button> <a href="/elsewhere">Forgot your password?</a></p>
</form>
<p id="out" role="status"></p>
{{EXTRA}}
</main></body></html>`

func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/wide":
			_, _ = io.WriteString(w, fmtPage("#wide{width:900px;height:10px;background:#036}", `<div id="wide"></div>`))
		case "/bad":
			_, _ = io.WriteString(w, fmtPage("", `<input type="text"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`))
		default:
			_, _ = io.WriteString(w, fmtPage("", ""))
		}
	})
	return mux
}

func fmtPage(style, extra string) string {
	return strings.NewReplacer("{{STYLE}}", style, "{{EXTRA}}", extra).Replace(formPage)
}

// tlsServer serves handler over HTTPS with a self-signed certificate from
// tlscert (the kind userpool serve --tls-self-signed makes) and returns
// the server and the certificate's file.
func tlsServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	p, err := tlscert.SelfSigned(t.TempDir(), tlscert.DefaultHosts, tlscert.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := tlscert.ServerConfig(p.CertFile, p.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(handler())
	srv.TLS = cfg
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, p.CertFile
}

// localhostURL is srv's URL with the host "localhost" (WebAuthn needs a
// domain as relying party id, not an IP address).
func localhostURL(srv *httptest.Server) string {
	return strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// Every helper against a page over HTTPS whose certificate the browser is
// told to trust: fill by label, click by name, text, URL wait, screenshots
// at both widths, the overflow check both ways, axe-core both ways, and a
// passkey made by the virtual authenticator.
func TestHarness(t *testing.T) {
	t.Parallel()
	srv, cert := tlsServer(t)
	base := localhostURL(srv)
	b := New(t, Options{TrustCert: cert})

	b.Navigate(base + "/")
	if got := b.URL(); got != base+"/" {
		t.Fatalf("URL = %q, want %q", got, base+"/")
	}
	if !Eval[bool](b, `window.isSecureContext && location.protocol === "https:"`) {
		t.Error("the trusted HTTPS page is not a secure context")
	}
	b.Fill("Email address", "ada@example.com")
	b.Fill("Password", "correct horse")
	b.Fill("Email address", "grace@example.com") // Fill replaces
	b.Click("Sign in")
	b.WaitURLPrefix(base + "/done?ok=1")
	if got := b.Text("#out"); got != "hello grace@example.com (13)" {
		t.Errorf("text after submit = %q", got)
	}

	for _, w := range []int{Desktop, Phone} {
		path := b.Screenshot("form", w)
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatalf("screenshot %s: %v", path, err)
		}
		if got := img.Bounds().Dx(); got != w {
			t.Errorf("screenshot at %dpx is %dpx wide", w, got)
		}
		if sw, cw := b.Overflow(); sw > cw || cw != w {
			t.Errorf("form at %dpx: scrollWidth %d, clientWidth %d", w, sw, cw)
		}
	}
	if vs := b.Axe(); len(vs) != 0 {
		t.Errorf("axe-core on the accessible form: %v", vs)
	}

	// The checks can fail: a 900px element overflows a phone, not a desktop.
	b.Navigate(base + "/wide")
	b.SetWidth(Phone)
	if sw, cw := b.Overflow(); sw <= cw {
		t.Errorf("/wide at %dpx: scrollWidth %d <= clientWidth %d, want overflow", Phone, sw, cw)
	}
	b.SetWidth(Desktop)
	if sw, cw := b.Overflow(); sw > cw {
		t.Errorf("/wide at %dpx overflows: %d > %d", Desktop, sw, cw)
	}
	b.Navigate(base + "/bad")
	ids := map[string]bool{}
	for _, v := range b.Axe() {
		ids[v.ID] = true
		if v.Impact != "serious" && v.Impact != "critical" {
			t.Errorf("Axe returned a %s violation: %v", v.Impact, v)
		}
	}
	for _, want := range []string{"label", "image-alt"} {
		if !ids[want] {
			t.Errorf("axe-core on /bad: no %q violation in %v", want, ids)
		}
	}

	// A passkey: the virtual authenticator answers navigator.credentials.create.
	b.Navigate(base + "/")
	auth := b.AddVirtualAuthenticator(DefaultAuthenticator)
	got := Eval[string](b, `navigator.credentials.create({publicKey: {
		challenge: new Uint8Array(32), rp: {id: "localhost", name: "harness"},
		user: {id: new Uint8Array([1, 2, 3]), name: "ada", displayName: "Ada"},
		pubKeyCredParams: [{type: "public-key", alg: -7}],
		authenticatorSelection: {residentKey: "required", userVerification: "required"}}})
		.then(c => c.type + " " + c.response.getTransports().join(","))`)
	if got != "public-key internal" {
		t.Errorf("navigator.credentials.create = %q, want a public-key credential over internal", got)
	}
	creds := b.Credentials(auth)
	if len(creds) != 1 || creds[0].RpID != "localhost" || !creds[0].IsResidentCredential {
		t.Errorf("authenticator credentials = %+v, want one resident credential for localhost", creds)
	}
}

// The trust is for that certificate's key only: a server presenting
// another self-signed certificate (same names, another key) is refused.
func TestTrustIsForOneKey(t *testing.T) {
	t.Parallel()
	srv, _ := tlsServer(t)
	_, otherCert := tlsServer(t)
	if same(t, srv.Certificate(), otherCert) {
		t.Fatal("two generated certificates share a key")
	}
	b := New(t, Options{TrustCert: otherCert})
	err := b.try(chromedp.Navigate(localhostURL(srv) + "/"))
	if err == nil || !strings.Contains(err.Error(), "ERR_CERT") {
		t.Errorf("navigating to a server with an untrusted certificate: err = %v, want a net::ERR_CERT_* error", err)
	}
}

func same(t *testing.T, c *x509.Certificate, file string) bool {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	return blk != nil && string(blk.Bytes) == string(c.Raw)
}
