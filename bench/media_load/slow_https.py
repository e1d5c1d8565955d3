"""A slow HTTPS endpoint for bench/media_load.sh --slow-web: every request is
answered after DELAY seconds, however many are waiting (asyncio, one thread).
Usage: slow_https.py CERT KEY DELAY PORT_FILE; counts go to stdout on SIGTERM."""
import asyncio, os, signal, ssl, sys

cert, key, delay, port_file = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4]
served = 0
waiting = 0
most_waiting = 0

async def handle(reader, writer):
    global served, waiting, most_waiting
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            waiting += 1
            most_waiting = max(most_waiting, waiting)
            await asyncio.sleep(delay)
            waiting -= 1
            body = b'{"ok": true}'
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            await writer.drain()
            served += 1
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()

async def main():
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=context, backlog=4096)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.sockets[0].getsockname()[1]))
    os.rename(port_file + ".tmp", port_file)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    print(f"slow endpoint: {served} requests answered, at most {most_waiting} waiting at once",
          flush=True)
    os._exit(0)  # leave the connections still waiting without tearing each one down

asyncio.run(main())
