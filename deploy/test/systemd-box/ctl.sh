#!/bin/bash
# Runs a command inside the booted box (all its namespaces, its root), stdin and stdout passed through.
pid=$(cat "${SD:?set SD to a work folder (the same for boot, ctl and halt)}/out/pid")
exec nsenter -t "$pid" -a "$@"
