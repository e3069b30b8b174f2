"""io.kestra.plugin.ai.rag.*"""
