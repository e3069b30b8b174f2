"""Redis lists: ``ListPush``, ``ListPop``, ``Trigger`` and ``RealtimeTrigger``."""
