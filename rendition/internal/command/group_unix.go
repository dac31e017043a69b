//go:build unix

package command

import (
	"os/exec"
	"syscall"
)

// setGroup starts the tool in a process group of its own and makes
// cancellation kill the whole group, so helpers it forks die with it.
func setGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		if cmd.Process == nil {
			return nil
		}
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
