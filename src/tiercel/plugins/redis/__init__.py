"""Redis plugins (``io.kestra.plugin.redis.*``): strings (``string.Get``, ``Set``, ``Delete``)
and lists (``list.ListPush``, ``ListPop``, and the polling and realtime triggers that pop a
list).

``connection`` opens the client (the ``redis`` package, imported when a task runs: ``pip
install 'tiercel[redis]'``) and turns its errors into one line with the password hidden;
``serde`` encodes values as Kestra's ``SerdeType``. Like every plugin package it imports
``tiercel.sdk`` and, for the Ion files ``ListPop`` writes, the core plugins' Ion codec.
"""
