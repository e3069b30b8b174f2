"""What Tiercel does to the host machine beyond files: the local processes tasks start.

``processes`` starts them so that they die with their worker and leave nothing behind when
killed; ``process_guard`` is the small process that kills what a dead worker leaves. Apart from
the pure core (``model``, ``expr``, ``sdk``, ``engine``), which does no I/O: the runtime, the
wiring, the CLI and the plugins that run local processes (the scripts) import it. It imports
nothing of Tiercel.
"""
