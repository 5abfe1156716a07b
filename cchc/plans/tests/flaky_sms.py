CALLS: list[str] = []


class FlakySms:
    def send(self, phone, text):
        if not CALLS:
            CALLS.append("fail")
            raise ConnectionError("gateway down")
        CALLS.append("ok")
