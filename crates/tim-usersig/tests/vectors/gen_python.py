#!/usr/bin/env python3
"""Regenerates python.json: UserSigs from the official PyPI package `tls-sig-api-v2`.

Usage (in a throwaway virtualenv outside the repository):
    venv=$(mktemp -d) && python3 -m venv "$venv" && "$venv/bin/pip" install tls-sig-api-v2==1.1
    "$venv/bin/python" gen_python.py > python.json

The clock is fixed per case by patching time.time. The PyPI release (1.1) has only
gen_sig / gen_sig_with_userbuf, so PrivateMapKey userbufs are laid out here exactly as the
official ports' _gen_userbuf / genUserBuf do (big-endian; cVer 0 numeric room, 1 string
room); node.json covers the official Node genPrivateMapKey* functions themselves.
"""
import json
import os
import struct
import sys
import time

import TLSSigAPIv2

HERE = os.path.dirname(os.path.abspath(__file__))


def pmk_userbuf(identifier, sdkappid, expire, now, pmk):
    account = identifier.encode("utf-8")
    room_str = pmk.get("room_str")
    out = struct.pack(">BH", 1 if room_str else 0, len(account)) + account
    out += struct.pack(">IIIII", sdkappid, 0 if room_str else pmk["room_id"],
                       now + expire, pmk["privileges"], 0)
    if room_str:
        rs = room_str.encode("utf-8")
        out += struct.pack(">H", len(rs)) + rs
    return out


def main():
    with open(os.path.join(HERE, "cases.json"), encoding="utf-8") as f:
        cases = json.load(f)["cases"]
    out = []
    real_time = time.time
    for c in cases:
        now = c["time"]
        time.time = lambda: now + 0.25  # fractional part must be dropped, as in real use
        try:
            api = TLSSigAPIv2.TLSSigAPIv2(c["sdkappid"], c["key"])
            userbuf = None
            if "pmk" in c:
                userbuf = pmk_userbuf(c["identifier"], c["sdkappid"], c["expire"], now, c["pmk"])
            elif "userbuf_hex" in c:
                userbuf = bytes.fromhex(c["userbuf_hex"])
            if userbuf is None:
                sig = api.gen_sig(c["identifier"], c["expire"])
            else:
                sig = api.gen_sig_with_userbuf(c["identifier"], c["expire"], userbuf)
        finally:
            time.time = real_time
        rec = dict(c)
        if userbuf is not None:
            rec["userbuf_hex"] = userbuf.hex()
        rec["usersig"] = sig
        out.append(rec)
    json.dump({"generator": "PyPI tls-sig-api-v2 1.1 (TLSSigAPIv2.py)", "vectors": out},
              sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
