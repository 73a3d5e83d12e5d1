//go:build windows

package emulator

import (
	"fmt"
	"os/exec"
	"unsafe"

	"golang.org/x/sys/windows"
)

// process is gcloud (gcloud.cmd, then Python, then the JVM) in a job
// object that kills every process in it when its last handle closes: on
// Stop, or when this process ends however it ends, since Windows closes
// its handles then.
type process struct {
	job windows.Handle
}

func startProcess(cmd *exec.Cmd) (*process, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return nil, fmt.Errorf("job object: %w", err)
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{
		BasicLimitInformation: windows.JOBOBJECT_BASIC_LIMIT_INFORMATION{
			LimitFlags: windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE,
		},
	}
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return nil, fmt.Errorf("job object: %w", err)
	}
	if err := cmd.Start(); err != nil {
		windows.CloseHandle(job)
		return nil, err
	}
	// gcloud.cmd starts Python only after cmd.exe has read the script, so
	// the job holds it before it has children.
	h, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err == nil {
		err = windows.AssignProcessToJobObject(job, h)
		windows.CloseHandle(h)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		windows.CloseHandle(job)
		return nil, fmt.Errorf("job object: %w", err)
	}
	return &process{job: job}, nil
}

// kill ends every process in the job.
func (p *process) kill() { _ = windows.TerminateJobObject(p.job, 1) }

// release closes the job's handle.
func (p *process) release() { windows.CloseHandle(p.job) }
