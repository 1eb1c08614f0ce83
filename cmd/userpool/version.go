package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// version is set at link time for release builds
// (-ldflags "-X main.version=v1.2.3"); otherwise it is read from the build
// information Go records in the binary (versionInfo).
var version = ""

// buildInfo is runtime/debug.ReadBuildInfo (tests replace it).
var buildInfo = debug.ReadBuildInfo

// versionInfo describes this binary: the version of the main module (set by
// `go install userpool@vX`, "(devel)" for a build from a work tree, shown as
// "dev"), the VCS revision and time it was built from and whether the tree
// had local changes. Builds with -buildvcs=false record no VCS settings; the
// line then says only the version and the Go release.
func versionInfo() string {
	v := version
	var rev, at string
	var modified bool
	goVersion := ""
	if bi, ok := buildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" || v == "(devel)" {
		v = "dev"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "userpool %s", v)
	var vcs []string
	if rev != "" {
		if len(rev) > 12 {
			rev = rev[:12]
		}
		vcs = append(vcs, "revision "+rev)
	}
	if at != "" {
		vcs = append(vcs, at)
	}
	if modified {
		vcs = append(vcs, "modified")
	}
	if len(vcs) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(vcs, ", "))
	}
	if goVersion != "" {
		fmt.Fprintf(&b, " %s", goVersion)
	}
	return b.String()
}

// shortVersion is the version alone ("dev" for a work-tree build), for logs.
func shortVersion() string {
	v := version
	if v == "" {
		if bi, ok := buildInfo(); ok {
			v = bi.Main.Version
		}
	}
	if v == "" || v == "(devel)" {
		return "dev"
	}
	return v
}
