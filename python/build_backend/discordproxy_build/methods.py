def write(out, pb2):
    out.write_text("# placeholder\n")
