//go:build !unix

package command

import "os/exec"

// setGroup: without process groups, cancellation kills the tool alone.
func setGroup(*exec.Cmd) {}
