"""io.kestra.plugin.ai.agent.*"""
