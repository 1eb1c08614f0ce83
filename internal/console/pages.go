package console

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"userpool/internal/iam"
	"userpool/internal/userpool"
)

// page is what every template gets.
type page struct {
	Title     string
	Signed    bool
	Actor     string
	ActorType string
	CSRF      string
	PoolID    string // the pool the page is about ("" for none)
	Operator  bool
	Nav       navLinks
	Flash     string
	Data      any
}

type navLinks struct {
	Principals, Audit bool
}

var funcs = template.FuncMap{
	"path": url.PathEscape,
	"stamp": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05Z")
	},
	"join": strings.Join,
	"deref": func(p *int64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatInt(*p, 10)
	},
}

// parsePages parses each page template with the layout.
func parsePages() map[string]*template.Template {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	m := map[string]*template.Template{}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		m[base] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n))
	}
	return m
}

// render writes a page. c is nil before sign-in.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, code int, name, title string, c *call, data any) {
	p := page{Title: title, Data: data}
	if c != nil {
		p.Signed = true
		p.ActorType, p.Actor = c.actor()
		p.CSRF = c.s.csrf
		p.Operator = c.s.operator()
		p.Nav = navLinks{Principals: c.can(permPrincipals, ""), Audit: c.can(permAudit, c.s.poolID)}
		if msg, ok := doneMessages[r.URL.Query().Get("done")]; ok {
			p.Flash = msg
		}
	}
	t := h.pages[name]
	var buf bytes.Buffer
	if err := t.Execute(&buf, p); err != nil {
		h.log.Error("console: rendering", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(buf.Bytes())
}

// refuse shows a message page (no session needed).
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, code int, msg string) {
	h.render(w, r, code, "message", "Not allowed", nil, msg)
}

func (h *Handler) serverError(w http.ResponseWriter, r *http.Request, err error) {
	h.log.Error("console: internal error", "path", r.URL.Path, "err", err)
	h.refuse(w, r, http.StatusInternalServerError, "Something went wrong on the server; the error was logged.")
}

// fail shows an error on its own page for a signed-in actor.
func (c *call) fail(err error) {
	if userpool.KindOf(err) == userpool.KindInternal {
		c.h.log.Error("console: internal error", "path", c.r.URL.Path, "err", err)
	}
	c.h.render(c.w, c.r, status(err), "message", "Error", c, message(err))
}

// read authorizes a read (not audited) and fails the page when refused.
func (c *call) read(op, poolID string) bool {
	if c.can(op, poolID) {
		return true
	}
	c.fail(c.denied(op, poolID))
	return false
}

var doneMessages = map[string]string{
	"attributes": "Attributes saved.", "addgroup": "Added to the group.", "removegroup": "Removed from the group.",
	"enable": "User enabled.", "disable": "User disabled.", "resetpassword": "Password reset: the user must set a new one with a code.",
	"signout": "Signed out everywhere.", "forgetdevice": "Device forgotten.", "delete": "User deleted.",
	"update": "Group saved.", "addmember": "Member added.", "removemember": "Member removed.", "rotate": "Signing keys rotated.",
}

// ---------------------------------------------------------------- pools

type poolRow struct{ ID, Name string }

func (h *Handler) poolsPage(c *call) {
	ctx := c.r.Context()
	var rows []poolRow
	if !c.s.operator() {
		p, err := h.o.Service.GetPool(ctx, c.s.poolID)
		if err != nil {
			c.fail(err)
			return
		}
		rows = append(rows, poolRow{p.ID, p.Name})
	} else {
		tok := ""
		for range 20 { // at most 1,200 pools listed
			ps, next, err := h.o.Service.ListPools(ctx, 60, tok)
			if err != nil {
				c.fail(err)
				return
			}
			for _, p := range ps {
				if c.cred.Policy.Allows("DescribeUserPool", iamRef(p)) {
					rows = append(rows, poolRow{p.ID, p.Name})
				}
			}
			if next == "" {
				break
			}
			tok = next
		}
	}
	h.render(c.w, c.r, http.StatusOK, "pools", "User pools", c, rows)
}

type poolView struct {
	Pool          *userpool.Pool
	Users         int64
	Clients       []*userpool.Client
	ClientsHidden bool
	Groups        []userpool.Group
	Prefix        string
	Custom        string
	CanKeys       bool
}

func (h *Handler) poolPage(c *call) {
	id := c.r.PathValue("pool")
	if !c.read("DescribeUserPool", id) {
		return
	}
	ctx := c.r.Context()
	p, n, err := h.o.Service.DescribePool(ctx, id)
	if err != nil {
		c.fail(err)
		return
	}
	v := poolView{Pool: p, Users: n, CanKeys: c.s.operator() && c.can("DescribeUserPool", id) && h.o.SigningKeys != nil}
	if c.can("ListUserPoolClients", id) && c.s.operator() {
		v.Clients, _, err = h.o.Service.ListClients(ctx, id, 60, "")
		if err != nil {
			c.fail(err)
			return
		}
	} else {
		v.ClientsHidden = true
	}
	if c.can("ListGroups", id) {
		if v.Groups, _, err = h.o.Service.ListGroups(ctx, id, 60, ""); err != nil {
			c.fail(err)
			return
		}
	}
	v.Prefix, v.Custom, _ = h.o.Service.PoolDomains(ctx, id)
	h.render(c.w, c.r, http.StatusOK, "pool", p.Name, c, v)
}

// ---------------------------------------------------------------- users

type usersView struct {
	PoolID, Filter, Token, Next string
	Users                       []userRow
	Error                       string
}

type userRow struct {
	Username, Email, Status string
	Enabled                 bool
	Created                 time.Time
}

func (h *Handler) usersPage(c *call) {
	id := c.r.PathValue("pool")
	if !c.read("ListUsers", id) {
		return
	}
	q := c.r.URL.Query()
	v := usersView{PoolID: id, Filter: q.Get("filter"), Token: q.Get("token")}
	users, next, err := h.o.Service.ListUsers(c.r.Context(), userpool.ListUsersInput{PoolID: id, Filter: v.Filter, Limit: PageSize, Token: v.Token})
	code := http.StatusOK
	if err != nil {
		if userpool.KindOf(err) == userpool.KindInternal {
			c.fail(err)
			return
		}
		v.Error, code = message(err), status(err)
	}
	v.Next = next
	v.Users = make([]userRow, len(users))
	for i, u := range users {
		email, _ := u.Attribute("email")
		v.Users[i] = userRow{Username: u.Username, Email: email, Status: u.Status, Enabled: u.Enabled, Created: u.CreatedAt}
	}
	h.render(c.w, c.r, code, "users", "Users", c, v)
}

type attrField struct {
	Name, Value, Type string
	Editable          bool
}

type userView struct {
	PoolID    string
	User      userpool.User
	Attrs     []attrField
	Groups    []userpool.Group
	AllGroups []string
	Devices   []userpool.Device
	Errors    map[string]string
	Can       map[string]bool
}

func (h *Handler) userPage(c *call) { h.showUser(c, http.StatusOK, nil) }

func (h *Handler) showUser(c *call, code int, errs map[string]string) {
	id, name := c.r.PathValue("pool"), c.r.PathValue("user")
	if !c.read("AdminGetUser", id) {
		return
	}
	ctx := c.r.Context()
	u, err := h.o.Service.AdminGetUser(ctx, id, name)
	if err != nil {
		c.fail(err)
		return
	}
	p, err := h.o.Service.GetPool(ctx, id)
	if err != nil {
		c.fail(err)
		return
	}
	v := userView{PoolID: id, User: u, Errors: errs, Can: map[string]bool{}}
	for _, op := range []string{"AdminUpdateUserAttributes", "AdminAddUserToGroup", "AdminRemoveUserFromGroup", "AdminEnableUser",
		"AdminDisableUser", "AdminResetUserPassword", "AdminUserGlobalSignOut", "AdminForgetDevice", "AdminDeleteUser",
		"AdminListGroupsForUser", "AdminListDevices", "ListGroups"} {
		v.Can[op] = c.can(op, id)
	}
	seen := map[string]bool{}
	for _, s := range p.Settings.Schema {
		if s.DeveloperOnlyAttribute {
			continue
		}
		val, _ := u.Attribute(s.Name)
		seen[s.Name] = true
		v.Attrs = append(v.Attrs, attrField{Name: s.Name, Value: val, Type: s.AttributeDataType,
			Editable: s.Mutable && s.Name != "sub" && v.Can["AdminUpdateUserAttributes"]})
	}
	for _, a := range u.Attributes(nil) { // attributes outside the schema list, shown read-only
		if !seen[a.Name] {
			v.Attrs = append(v.Attrs, attrField{Name: a.Name, Value: a.Value})
		}
	}
	if v.Can["AdminListGroupsForUser"] {
		if v.Groups, _, err = h.o.Service.AdminListGroupsForUser(ctx, id, u.Username, 60, ""); err != nil {
			c.fail(err)
			return
		}
	}
	if v.Can["ListGroups"] && v.Can["AdminAddUserToGroup"] {
		gs, _, err := h.o.Service.ListGroups(ctx, id, 60, "")
		if err != nil {
			c.fail(err)
			return
		}
		for _, g := range gs {
			if !slices.ContainsFunc(v.Groups, func(x userpool.Group) bool { return x.Name == g.Name }) {
				v.AllGroups = append(v.AllGroups, g.Name)
			}
		}
	}
	if v.Can["AdminListDevices"] {
		if v.Devices, _, err = h.o.Service.AdminListDevices(ctx, id, u.Username, 60, ""); err != nil && userpool.KindOf(err) == userpool.KindInternal {
			c.fail(err)
			return
		}
	}
	h.render(c.w, c.r, code, "user", u.Username, c, v)
}

// userActions maps a form's action to its Cognito operation.
var userActions = map[string]string{
	"attributes": "AdminUpdateUserAttributes", "addgroup": "AdminAddUserToGroup", "removegroup": "AdminRemoveUserFromGroup",
	"enable": "AdminEnableUser", "disable": "AdminDisableUser", "resetpassword": "AdminResetUserPassword",
	"signout": "AdminUserGlobalSignOut", "forgetdevice": "AdminForgetDevice", "delete": "AdminDeleteUser",
}

func (h *Handler) userAction(c *call) {
	id, name, action := c.r.PathValue("pool"), c.r.PathValue("user"), c.r.PathValue("action")
	op, ok := userActions[action]
	if !ok {
		c.fail(userpool.Errorf(userpool.KindResourceNotFound, "Unknown action %s.", action))
		return
	}
	svc := h.o.Service
	f := c.r.PostForm
	detail := ""
	var do func(ctx context.Context) error
	switch action {
	case "attributes":
		do = func(ctx context.Context) error {
			u, err := svc.AdminGetUser(ctx, id, name)
			if err != nil {
				return err
			}
			var changed []userpool.Attribute
			var names []string
			for k, vs := range f {
				n, ok := strings.CutPrefix(k, "attr:")
				if !ok || len(vs) != 1 {
					continue
				}
				if old, _ := u.Attribute(n); old != vs[0] {
					changed = append(changed, userpool.Attribute{Name: n, Value: vs[0]})
					names = append(names, n)
				}
			}
			slices.Sort(names)
			detail = "attributes=" + strings.Join(names, ",")
			if len(changed) == 0 {
				return nil
			}
			return svc.AdminUpdateUserAttributes(ctx, id, name, changed)
		}
	case "addgroup", "removegroup":
		g := f.Get("group")
		detail = "group=" + g
		do = func(ctx context.Context) error {
			if g == "" {
				return userpool.Errorf(userpool.KindInvalidParameter, "Choose a group.")
			}
			if action == "addgroup" {
				return svc.AdminAddUserToGroup(ctx, id, name, g)
			}
			return svc.AdminRemoveUserFromGroup(ctx, id, name, g)
		}
	case "enable":
		do = func(ctx context.Context) error { return svc.AdminEnableUser(ctx, id, name) }
	case "disable":
		do = func(ctx context.Context) error { return svc.AdminDisableUser(ctx, id, name) }
	case "resetpassword":
		do = func(ctx context.Context) error { return svc.AdminResetUserPassword(ctx, id, name) }
	case "signout":
		do = func(ctx context.Context) error { return svc.AdminUserGlobalSignOut(ctx, id, name) }
	case "forgetdevice":
		d := f.Get("device")
		detail = "device=" + d
		do = func(ctx context.Context) error { return svc.AdminForgetDevice(ctx, id, name, d) }
	case "delete":
		do = func(ctx context.Context) error {
			if f.Get("confirm") != name {
				return userpool.Errorf(userpool.KindInvalidParameter, "Type the username %s exactly to confirm the deletion.", name)
			}
			return svc.AdminDeleteUser(ctx, id, name)
		}
	}
	if err := c.act(op, id, name, detail, do); err != nil {
		if userpool.KindOf(err) == userpool.KindInternal {
			c.h.log.Error("console: action failed", "action", action, "err", err)
		}
		if action == "delete" || userpool.KindOf(err) != userpool.KindUserNotFound {
			if c.can("AdminGetUser", id) {
				h.showUser(c, status(err), map[string]string{action: message(err)})
				return
			}
		}
		c.fail(err)
		return
	}
	if action == "delete" {
		http.Redirect(c.w, c.r, Prefix+"pools/"+url.PathEscape(id)+"/users?done=delete", http.StatusSeeOther)
		return
	}
	http.Redirect(c.w, c.r, Prefix+"pools/"+url.PathEscape(id)+"/users/"+url.PathEscape(name)+"?done="+action+"#"+action, http.StatusSeeOther)
}

// ---------------------------------------------------------------- groups

type groupView struct {
	PoolID       string
	Group        userpool.Group
	Members      []userRow
	Token, Next  string
	Errors       map[string]string
	CanUpdate    bool
	CanAdd       bool
	CanRemove    bool
	CanSeeMember bool
}

func (h *Handler) groupPage(c *call) { h.showGroup(c, http.StatusOK, nil) }

func (h *Handler) showGroup(c *call, code int, errs map[string]string) {
	id, name := c.r.PathValue("pool"), c.r.PathValue("group")
	if !c.read("GetGroup", id) {
		return
	}
	ctx := c.r.Context()
	g, err := h.o.Service.GetGroup(ctx, id, name)
	if err != nil {
		c.fail(err)
		return
	}
	v := groupView{PoolID: id, Group: g, Errors: errs, Token: c.r.URL.Query().Get("token"),
		CanUpdate: c.can("UpdateGroup", id), CanAdd: c.can("AdminAddUserToGroup", id), CanRemove: c.can("AdminRemoveUserFromGroup", id),
		CanSeeMember: c.can("AdminGetUser", id)}
	if c.can("ListUsersInGroup", id) {
		users, next, err := h.o.Service.ListUsersInGroup(ctx, id, name, PageSize, v.Token)
		if err != nil {
			if userpool.KindOf(err) == userpool.KindInternal {
				c.fail(err)
				return
			}
			if v.Errors == nil {
				v.Errors = map[string]string{}
			}
			v.Errors["members"] = message(err)
		}
		v.Next = next
		for _, u := range users {
			email, _ := u.Attribute("email")
			v.Members = append(v.Members, userRow{Username: u.Username, Email: email, Status: u.Status, Enabled: u.Enabled, Created: u.CreatedAt})
		}
	}
	h.render(c.w, c.r, code, "group", g.Name, c, v)
}

var groupActions = map[string]string{"update": "UpdateGroup", "addmember": "AdminAddUserToGroup", "removemember": "AdminRemoveUserFromGroup"}

func (h *Handler) groupAction(c *call) {
	id, name, action := c.r.PathValue("pool"), c.r.PathValue("group"), c.r.PathValue("action")
	op, ok := groupActions[action]
	if !ok {
		c.fail(userpool.Errorf(userpool.KindResourceNotFound, "Unknown action %s.", action))
		return
	}
	f := c.r.PostForm
	svc := h.o.Service
	target, detail := name, ""
	var do func(ctx context.Context) error
	switch action {
	case "update":
		do = func(ctx context.Context) error {
			in := userpool.GroupInput{PoolID: id, Name: name}
			desc, role := f.Get("description"), f.Get("role")
			in.Description, in.RoleArn = &desc, &role
			if s := strings.TrimSpace(f.Get("precedence")); s != "" {
				n, err := strconv.ParseInt(s, 10, 64)
				if err != nil || n < 0 {
					return userpool.Errorf(userpool.KindInvalidParameter, "Precedence must be a whole number of 0 or more.")
				}
				in.Precedence = &n
			}
			detail = fmt.Sprintf("precedence=%s role=%s", f.Get("precedence"), role)
			_, err := svc.UpdateGroup(ctx, in)
			return err
		}
	case "addmember", "removemember":
		u := strings.TrimSpace(f.Get("username"))
		target, detail = u, "group="+name
		do = func(ctx context.Context) error {
			if u == "" {
				return userpool.Errorf(userpool.KindInvalidParameter, "Enter a username.")
			}
			if action == "addmember" {
				return svc.AdminAddUserToGroup(ctx, id, u, name)
			}
			return svc.AdminRemoveUserFromGroup(ctx, id, u, name)
		}
	}
	if err := c.act(op, id, target, detail, do); err != nil {
		if c.can("GetGroup", id) && userpool.KindOf(err) != userpool.KindInternal {
			h.showGroup(c, status(err), map[string]string{action: message(err)})
			return
		}
		c.fail(err)
		return
	}
	http.Redirect(c.w, c.r, Prefix+"pools/"+url.PathEscape(id)+"/groups/"+url.PathEscape(name)+"?done="+action+"#"+action, http.StatusSeeOther)
}

// ---------------------------------------------------------------- keys, principals, audit

type keysView struct {
	PoolID    string
	Keys      []SigningKey
	CanRotate bool
	Error     string
}

func (h *Handler) keysPage(c *call) { h.showKeys(c, http.StatusOK, "") }

func (h *Handler) showKeys(c *call, code int, errMsg string) {
	id := c.r.PathValue("pool")
	if !c.s.operator() {
		c.fail(c.denied(permRotateKeys, id))
		return
	}
	if !c.read("DescribeUserPool", id) {
		return
	}
	if h.o.SigningKeys == nil {
		c.fail(userpool.Errorf(userpool.KindResourceNotFound, "Signing keys are not available in this server."))
		return
	}
	ks, err := h.o.SigningKeys.ListSigningKeys(c.r.Context(), id)
	if err != nil {
		c.fail(err)
		return
	}
	h.render(c.w, c.r, code, "keys", "Signing keys", c, keysView{PoolID: id, Keys: ks, CanRotate: c.can(permRotateKeys, id), Error: errMsg})
}

func (h *Handler) rotateKeys(c *call) {
	id := c.r.PathValue("pool")
	if h.o.SigningKeys == nil || !c.s.operator() {
		c.fail(c.denied(permRotateKeys, id))
		return
	}
	if _, err := h.o.Service.GetPool(c.r.Context(), id); err != nil {
		c.fail(err)
		return
	}
	err := c.act(permRotateKeys, id, id, "", func(ctx context.Context) error { return h.o.SigningKeys.RotateSigningKeys(ctx, id) })
	if err != nil {
		h.showKeys(c, status(err), message(err))
		return
	}
	http.Redirect(c.w, c.r, Prefix+"pools/"+url.PathEscape(id)+"/keys?done=rotate", http.StatusSeeOther)
}

func (h *Handler) principalsPage(c *call) {
	if !c.read(permPrincipals, "") {
		return
	}
	if h.o.Principals == nil {
		c.fail(userpool.Errorf(userpool.KindResourceNotFound, "Principals are not available in this server."))
		return
	}
	ps, err := h.o.Principals.ListPrincipals(c.r.Context())
	if err != nil {
		c.fail(err)
		return
	}
	h.render(c.w, c.r, http.StatusOK, "principals", "Principals", c, ps)
}

type auditView struct {
	Actor, Action, Pool, Outcome, Since, Until string
	PoolFixed                                  bool
	Token, Next                                string
	Events                                     []userpool.AuditEvent
	Error                                      string
}

const formTime = "2006-01-02T15:04"

func (h *Handler) auditPage(c *call) {
	if !c.read(permAudit, c.s.poolID) {
		return
	}
	q := c.r.URL.Query()
	v := auditView{Actor: q.Get("actor"), Action: q.Get("action"), Pool: q.Get("pool"), Outcome: q.Get("outcome"),
		Since: q.Get("since"), Until: q.Get("until"), Token: q.Get("token")}
	if !c.s.operator() {
		v.Pool, v.PoolFixed = c.s.poolID, true // a pool's admin sees their pool's events only
	}
	// Newest first; the pager sits above the table, so paging never moves it.
	f := userpool.AuditFilter{Actor: v.Actor, Action: v.Action, PoolID: v.Pool, Outcome: v.Outcome, Newest: true}
	code := http.StatusOK
	parse := func(s string) time.Time {
		if s == "" {
			return time.Time{}
		}
		t, err := time.Parse(formTime, s)
		if err != nil {
			v.Error, code = "Times are written 2006-01-02T15:04 (UTC).", http.StatusBadRequest
		}
		return t
	}
	f.Since, f.Until = parse(v.Since), parse(v.Until)
	if !f.Until.IsZero() {
		f.Until = f.Until.Add(time.Minute - time.Nanosecond)
	}
	if v.Error == "" {
		evs, next, err := h.o.Service.ListAudit(c.r.Context(), f, PageSize, v.Token)
		if err != nil {
			if userpool.KindOf(err) == userpool.KindInternal {
				c.fail(err)
				return
			}
			v.Error, code = message(err), status(err)
		}
		v.Events, v.Next = evs, next
	}
	h.render(c.w, c.r, code, "audit", "Audit log", c, v)
}

func iamRef(p *userpool.Pool) iam.PoolRef { return iam.PoolRef{ID: p.ID, Name: p.Name} }
