# Oracle of pyrepr's differential test: Python's own repr of the request's
# bytes, as bytes and as the str a UTF-8 decoder with surrogateescape (the
# decoding pyrepr assumes) makes of them.
MAKERS = {
    "str": lambda r: repr(bytes.fromhex(r["hex"]).decode("utf-8", "surrogateescape")),
    "bytes": lambda r: repr(bytes.fromhex(r["hex"])),
}
