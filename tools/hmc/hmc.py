#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Run the HMC peer CLI as a script: tools/hmc/hmc.py --help"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

from tools.hmc.cli import main  # noqa: E402

sys.exit(main())
