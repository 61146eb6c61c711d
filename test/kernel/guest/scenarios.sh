# The scenarios: each one makes the confined test programs do something their profile does
# not allow, and records what the kernel should log (see expect in lib.sh). Sourced by main.sh.
# In enforce mode the kernel denies (apparmor="DENIED"); in complain mode it lets the action
# happen and logs apparmor="ALLOWED", so every scenario must be harmless when it succeeds.

BURST=${BURST:-60}

scenario_setup() {
  rm -rf /tmp/aa-scn
  mkdir -p /tmp/aa-scn/allowed /tmp/aa-scn/mnt "/tmp/aa-scn/dir with space" /etc/demo-svc /var/lib/demo-svc-state
  echo "listen=127.0.0.1:9" > /etc/demo-svc/demo.conf
  echo "hello" > "/tmp/aa-scn/dir with space/file ü.txt"
  echo "hello" > "/tmp/aa-scn/naïve café.conf"
  echo "state" > /var/lib/demo-svc-state/state
  : > /tmp/aa-scn/allowed/owned
  echo secret > /tmp/aa-scn/allowed/secret
  chown 65534:65534 /tmp/aa-scn/allowed/secret
  chmod 0000 /tmp/aa-scn/allowed/secret
  rm -f /run/demo-svc.pid
  rmdir /var/lib/demo-svc 2>/dev/null || true
}

# an unconfined process for the signal and ptrace scenarios
start_victim() { setsid sleep 1000 </dev/null >/dev/null 2>&1 & VICTIM=$!; }
stop_victim() { kill "$VICTIM" 2>/dev/null; wait "$VICTIM" 2>/dev/null; return 0; }

run_scenarios() {
  log "scenarios: phase=$PHASE mode=$MODE"
  scenario_setup
  start_victim

  # 1. the service starts a shell (what a web shell or an injected command looks like)
  svc 'exec /bin/sh -c "echo shell-ran"'
  expect shell-exec operation=exec profile=demo-svc comm=demo-svc name=/usr/bin/dash requested_mask=x

  # 2. the service reads /etc/shadow
  svc 'read -r x < /etc/shadow'
  expect shadow-read operation=open profile=demo-svc comm=demo-svc name=/etc/shadow requested_mask=r

  # 3. sockets from a profile with no network rule: inet stream/dgram, inet6 stream, raw
  svc '(exec -a nc "$B" -w 1 127.0.0.1 9 </dev/null)'
  expect socket-inet operation=create profile=demo-svc family=inet sock_type=stream
  svc_for 3 '(exec -a tftp "$B" -g -r nothing -l /dev/null 127.0.0.1 9)'
  expect socket-inet-dgram operation=create profile=demo-svc family=inet sock_type=dgram
  svc '(exec -a nc "$B" -w 1 ::1 9 </dev/null)'
  expect socket-inet6 operation=create profile=demo-svc family=inet6 sock_type=stream
  svc '(exec -a ping "$B" -c 1 -W 1 127.0.0.1)'
  expect socket-raw operation=create profile=demo-svc family=inet sock_type=raw
  svc '(exec -a ping6 "$B" -c 1 -W 1 ::1)'
  expect socket-raw6 operation=create profile=demo-svc family=inet6 sock_type=raw

  # 4. a pid file and a state directory nobody allowed
  svc 'echo $$ > /run/demo-svc.pid'
  expect pid-file operation=mknod profile=demo-svc name=/run/demo-svc.pid requested_mask=c
  svc '(exec -a mkdir "$B" /var/lib/demo-svc)'
  expect state-dir-mkdir operation=mkdir profile=demo-svc name=/var/lib/demo-svc/
  svc 'echo more >> /var/lib/demo-svc-state/state'
  expect state-file-write operation=open profile=demo-svc name=/var/lib/demo-svc-state/state

  # 5. capabilities (logged once per profile and capability until the profile is replaced)
  svc '(exec -a chown "$B" 65534 /tmp/aa-scn/allowed/owned)'
  expect cap-chown operation=capable profile=demo-svc capname=chown
  svc 'read -r x < /tmp/aa-scn/allowed/secret'
  # enforce: two records (dac_read_search, dac_override) in one audit event; complain: the first is enough
  expect cap-dac-read-search operation=capable profile=demo-svc capname=dac_read_search
  [ "$MODE" = enforce ] && expect cap-dac-override operation=capable profile=demo-svc capname=dac_override
  svc '(exec -a renice "$B" -n -5 -p $$)'
  expect cap-sys_nice operation=capable profile=demo-svc capname=sys_nice
  svc '(exec -a mknod "$B" /tmp/aa-scn/allowed/nulldev c 1 3)'
  expect cap-mknod operation=capable profile=demo-svc capname=mknod

  # 6. a signal to an unconfined process
  svc "kill -TERM $VICTIM"
  expect signal operation=signal profile=demo-svc signal=term peer=unconfined
  stop_victim; start_victim

  # 7. ptrace: read (via /proc/PID/environ) and trace (strace -p)
  svc "read -r x < /proc/$VICTIM/environ"
  expect ptrace-read operation=ptrace profile=demo-svc requested_mask=read peer=unconfined
  svc "exec /usr/bin/strace -o /dev/null -e trace=none -p $VICTIM" >/dev/null 2>&1 &
  local st=$!
  sleep 2; kill "$st" 2>/dev/null; pkill -P "$st" 2>/dev/null; wait "$st" 2>/dev/null
  expect ptrace-trace operation=ptrace profile=demo-svc comm=strace requested_mask=trace peer=unconfined

  # 8. a mount from a profile with CAP_SYS_ADMIN but no mount rule
  B=$MNT bash -c 'exec -a mount "$B" -t tmpfs demo-tmpfs /tmp/aa-scn/mnt'
  expect mount operation=mount profile=demo-mnt name=/tmp/aa-scn/mnt/ fstype=tmpfs
  umount /tmp/aa-scn/mnt 2>/dev/null

  # 9. names the kernel hex-encodes: spaces and non-ASCII in paths, profile and comm
  svc 'read -r x < "/tmp/aa-scn/dir with space/file ü.txt"'
  expect path-space-utf8 operation=open profile=demo-svc "name=/tmp/aa-scn/dir with space/file ü.txt"
  svc 'read -r x < "/tmp/aa-scn/naïve café.conf"'
  expect path-utf8 operation=open profile=demo-svc "name=/tmp/aa-scn/naïve café.conf"
  svc_spaced 'read -r x < /etc/demo-svc/demo.conf'
  expect profile-space operation=open "profile=demo spaced" "comm=demo spaced" name=/etc/demo-svc/demo.conf
  # a child profile (demo-svc//helper)
  svc '(exec -a cat /usr/local/bin/demo-helper /etc/demo-svc/demo.conf)' >/dev/null
  expect child-profile operation=open profile=demo-svc//helper comm=demo-helper name=/etc/demo-svc/demo.conf

  # 10. change_profile with no rule allowing it (the profile may write its attr files). A change_hat
  # to a hat the profile lacks is tried too: the kernel logs that only in complain mode (it is how
  # programs probe for hats), so it has no expectation
  chg 'printf %s "changeprofile demo-mnt" > /proc/self/attr/current'
  expect change-profile operation=change_profile profile=demo-chg
  chg 'printf %s "changehat 12345^no-such-hat" > /proc/self/attr/current'

  # 11. newer kernels' mediation: user namespaces and io_uring (Linux 6.7 on), only under a policy
  # compiled with the 4.0 ABI; POSIX message queues when the kernel mediates them
  if [ "$ABI4" = 1 ]; then
    ns 'exec /usr/bin/unshare -U /usr/bin/true'
    local urc=$?
    if aa_feature namespaces/userns_create; then
      expect userns-create operation=userns_create profile=demo-ns class=namespace
      # an unconfined, unprivileged unshare -U while the kernel restricts unprivileged user
      # namespaces (Ubuntu's default): the same operation, from "unconfined"; mode-independent
      if [ "$MODE" = enforce ] && [ -w /proc/sys/kernel/apparmor_restrict_unprivileged_userns ]; then
        echo 1 > /proc/sys/kernel/apparmor_restrict_unprivileged_userns
        setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/unshare -U /usr/bin/true 2>/dev/null
        echo 0 > /proc/sys/kernel/apparmor_restrict_unprivileged_userns
        expect userns-restricted operation=userns_create profile=unconfined class=namespace
      fi
    else
      echo "$PHASE $MODE: unshare -U under demo-ns (no userns rule) exited $urc: user namespaces are not mediated by this kernel" >> "$OUT/observations.txt"
    fi
  fi
  if [ "$ABI4" = 1 ] && aa_feature io_uring/sqpoll; then
    # io_uring_setup(4, params) with IORING_SETUP_SQPOLL (flags at offset 8): a polling kernel thread.
    # Expected to be denied only when it was (the result is in IOURING_RESULT and the observations)
    IOURING_RESULT=$(ns "$SQPOLL_PERL" 2>&1)
    echo "$PHASE $MODE: io_uring_setup(SQPOLL) under demo-ns (no io_uring rule): $IOURING_RESULT" >> "$OUT/observations.txt"
    case $IOURING_RESULT in error*) expect io-uring-sqpoll profile=demo-ns class=io_uring ;; esac
  fi
  if [ "${URING_ABI:-0}" = 1 ]; then
    # the same under a profile whose ABI lists io_uring (in the complain phase the kernel lets it
    # happen and logs it ALLOWED: expected where denied)
    IOURING_KERNEL_ABI=$(uring "$SQPOLL_PERL" 2>&1)
    echo "$PHASE $MODE: io_uring_setup(SQPOLL) under demo-uring (the kernel's feature set, no io_uring rule): $IOURING_KERNEL_ABI" >> "$OUT/observations.txt"
    case $IOURING_KERNEL_ABI in error*) expect io-uring-sqpoll-demo-uring operation=uring_sqpoll profile=demo-uring class=io_uring ;; esac
  fi
  if [ "$ABI4" = 1 ] && aa_feature ipc/posix_mqueue; then
    # mq_open("demo-mq", O_RDWR|O_CREAT, 0600, NULL)
    ns 'exec /usr/bin/perl -e "syscall(240, q(demo-mq), 0x42, 0600, 0);"'
    expect mqueue profile=demo-ns class=posix_mqueue
  fi

  # 12. a burst, enough to trip the kernel's printk rate limit
  svc "i=0; while [ \$i -lt $BURST ]; do echo x > /tmp/aa-scn/burst-\$i 2>/dev/null; i=\$((i+1)); done"
  local i
  for ((i = 0; i < BURST; i += 1)); do
    expect burst-$i operation=mknod profile=demo-svc name=/tmp/aa-scn/burst-$i
  done

  stop_victim
  sleep 1
}
