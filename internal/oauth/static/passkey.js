// Passkey sign-in of the hosted login page. The page carries the WEB_AUTHN
// challenge's CREDENTIAL_REQUEST_OPTIONS (JSON, in #passkey-options' data-options);
// this script runs navigator.credentials.get with them and posts the
// assertion back as JSON (AuthenticationResponseJSON) in the same form,
// with its CSRF token and challenge session. Served from the domain
// (script-src 'self' on this page only); no inline script anywhere.
(function () {
  "use strict";
  var form = document.forms.passkey;
  var holder = document.getElementById("passkey-options");
  if (!form || !holder) {
    return;
  }
  var status = document.getElementById("passkey-status");
  var button = document.getElementById("passkey-button");

  function toBuffer(s) {
    s = s.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) {
      s += "=";
    }
    var bin = atob(s);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) {
      out[i] = bin.charCodeAt(i);
    }
    return out.buffer;
  }

  function toBase64URL(buf) {
    var bytes = new Uint8Array(buf);
    var bin = "";
    for (var i = 0; i < bytes.length; i++) {
      bin += String.fromCharCode(bytes[i]);
    }
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function requestOptions() {
    var o = JSON.parse(holder.getAttribute("data-options"));
    var pk = { challenge: toBuffer(o.challenge) };
    if (o.timeout) {
      pk.timeout = o.timeout;
    }
    if (o.rpId) {
      pk.rpId = o.rpId;
    }
    if (o.userVerification) {
      pk.userVerification = o.userVerification;
    }
    if (o.allowCredentials) {
      pk.allowCredentials = o.allowCredentials.map(function (c) {
        var d = { type: c.type, id: toBuffer(c.id) };
        if (c.transports) {
          d.transports = c.transports;
        }
        return d;
      });
    }
    return pk;
  }

  function run() {
    if (!window.PublicKeyCredential || !navigator.credentials) {
      status.textContent = "This browser does not support passkeys. Choose another way to sign in.";
      return;
    }
    button.disabled = true;
    status.textContent = "Waiting for your passkey…";
    navigator.credentials.get({ publicKey: requestOptions() }).then(function (cred) {
      var r = cred.response;
      var json = {
        id: cred.id,
        rawId: toBase64URL(cred.rawId),
        type: cred.type,
        clientExtensionResults: cred.getClientExtensionResults(),
        response: {
          clientDataJSON: toBase64URL(r.clientDataJSON),
          authenticatorData: toBase64URL(r.authenticatorData),
          signature: toBase64URL(r.signature)
        }
      };
      if (cred.authenticatorAttachment) {
        json.authenticatorAttachment = cred.authenticatorAttachment;
      }
      if (r.userHandle) {
        json.response.userHandle = toBase64URL(r.userHandle);
      }
      document.getElementById("credential").value = JSON.stringify(json);
      status.textContent = "Signing in…";
      form.submit();
    }, function (err) {
      button.disabled = false;
      status.textContent = "The passkey was not used (" + err.name + "). Try again, or sign in another way.";
    });
  }

  button.hidden = false;
  button.addEventListener("click", run);
  run();
})();
