//! What a worker process may not do, once its engine is built: a seccomp filter
//! (seccompiler's, from Firecracker) answers `EPERM` to every system call a render never
//! needs and an attacker who took over a worker would: opening a network connection or
//! a socket of any kind, starting a program, writing, creating, renaming or deleting a
//! file, tracing or reading another process. Reading files (installed fonts, found on
//! first use) stays allowed. The filter covers every thread of the worker and cannot be
//! lifted (`no_new_privs`).

use std::collections::BTreeMap;

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule,
};

/// System calls refused whatever their arguments.
const REFUSED: &[libc::c_long] = &[
    libc::SYS_socket,
    libc::SYS_socketpair,
    libc::SYS_connect,
    libc::SYS_bind,
    libc::SYS_listen,
    libc::SYS_accept,
    libc::SYS_accept4,
    libc::SYS_execve,
    libc::SYS_execveat,
    libc::SYS_ptrace,
    libc::SYS_process_vm_readv,
    libc::SYS_process_vm_writev,
    // Its flags are in a structure the filter cannot read: refused, std falls back.
    libc::SYS_openat2,
    libc::SYS_unlinkat,
    libc::SYS_renameat,
    libc::SYS_renameat2,
    libc::SYS_mkdirat,
    libc::SYS_linkat,
    libc::SYS_symlinkat,
    libc::SYS_fchmodat,
    libc::SYS_truncate,
    libc::SYS_mount,
    libc::SYS_umount2,
    libc::SYS_chroot,
    libc::SYS_pivot_root,
    libc::SYS_unshare,
    libc::SYS_setns,
];

/// The same on x86-64, whose older calls have their own numbers.
#[cfg(target_arch = "x86_64")]
const REFUSED_X86_64: &[libc::c_long] = &[
    libc::SYS_unlink,
    libc::SYS_rename,
    libc::SYS_mkdir,
    libc::SYS_rmdir,
    libc::SYS_link,
    libc::SYS_symlink,
    libc::SYS_chmod,
    libc::SYS_creat,
];
#[cfg(not(target_arch = "x86_64"))]
const REFUSED_X86_64: &[libc::c_long] = &[];

/// Applies the filter to every thread of this process.
pub fn confine() -> Result<(), String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => seccompiler::TargetArch::x86_64,
        "aarch64" => seccompiler::TargetArch::aarch64,
        other => return Err(format!("no seccomp filter for {other}")),
    };
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for &call in REFUSED.iter().chain(REFUSED_X86_64) {
        rules.insert(call, Vec::new());
    }
    // Opening a file to write to it, or to create it: the flags argument.
    let writes = |flags_arg: u8| -> Result<Vec<SeccompRule>, seccompiler::BackendError> {
        let access = |mode: libc::c_int| {
            SeccompRule::new(vec![SeccompCondition::new(
                flags_arg,
                SeccompCmpArgLen::Dword,
                SeccompCmpOp::MaskedEq(libc::O_ACCMODE as u64),
                mode as u64,
            )?])
        };
        let flag = |flag: libc::c_int| {
            SeccompRule::new(vec![SeccompCondition::new(
                flags_arg,
                SeccompCmpArgLen::Dword,
                SeccompCmpOp::MaskedEq(flag as u64),
                flag as u64,
            )?])
        };
        Ok(vec![
            access(libc::O_WRONLY)?,
            access(libc::O_RDWR)?,
            flag(libc::O_CREAT)?,
            flag(libc::O_TRUNC)?,
        ])
    };
    let error = |e: seccompiler::BackendError| format!("the seccomp filter: {e}");
    rules.insert(libc::SYS_openat, writes(2).map_err(error)?);
    #[cfg(target_arch = "x86_64")]
    rules.insert(libc::SYS_open, writes(1).map_err(error)?);
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::EPERM as u32),
        arch,
    )
    .map_err(error)?;
    let program: BpfProgram = filter.try_into().map_err(error)?;
    seccompiler::apply_filter_all_threads(&program)
        .map_err(|e| format!("the seccomp filter could not be applied: {e}"))
}
