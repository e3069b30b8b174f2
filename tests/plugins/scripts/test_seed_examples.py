"""The seed's two preprocessing examples, run as written, with pandas installed for real."""

import csv
import io
from pathlib import Path
from textwrap import dedent

import pytest

from tiercel.model import load_flows
from tiercel.registry import default_registry
from tiercel.runtime import LocalRunner
from tiercel.runtime.services import Finished
from tiercel.storage import StorageNamespaceFiles
from tiercel.wiring import local_services

INPUT = "id,existing_column,note\n1,10,a\n2,,b\n3,7,\n4,5,d\n"
EXPECTED = [["id", "existing_column", "note", "new_column"], ["1", "10.0", "a", "20.0"],
            ["4", "5.0", "d", "10.0"]]  # fmt: skip

# Namespace files for every script task, and the seed's output file kept: the tasks
# themselves are the seed's, word for word.
DEFAULTS = """
id: preprocess
namespace: company.team
pluginDefaults:
  - type: io.kestra.plugin.scripts.python
    values:
      namespaceFiles:
        enabled: true
      outputFiles:
        - processed_data.csv
"""

INLINE = """
tasks:
  - id: preprocess_data
    type: io.kestra.plugin.scripts.python.Script
    description: Inline Python script for data preprocessing
    beforeCommands:
      - pip install pandas  # 필요한 라이브러리 설치
    script: |
      import pandas as pd

      # 데이터 로드 (예: CSV 파일)
      df = pd.read_csv('input_data.csv')

      # 전처리: 결측치 제거, 컬럼 변환 등
      df = df.dropna()
      df['new_column'] = df['existing_column'] * 2

      # 결과 저장 또는 출력
      df.to_csv('processed_data.csv', index=False)
      print("전처리 완료: processed_data.csv 생성")
"""

SCRIPT_FILE = """import pandas as pd
import sys

def main():
    input_file = sys.argv[1] if len(sys.argv) > 1 else 'input_data.csv'
    output_file = 'processed_data.csv'

    # 데이터 로드 및 전처리
    df = pd.read_csv(input_file)
    df = df.dropna()
    df['new_column'] = df['existing_column'] * 2

    # 결과 저장
    df.to_csv(output_file, index=False)
    print(f"전처리 완료: {output_file} 생성")

if __name__ == '__main__':
    main()
"""

AS_WRITTEN = """
tasks:
  - id: run_preprocessing_script
    type: io.kestra.plugin.scripts.python.Script
    description: Execute external Python script for data preprocessing
    beforeCommands:
      - pip install pandas  # 라이브러리 설치
    inputFiles:
      preprocess.py: "{{ read('scripts/preprocess.py') }}"  # 외부 파일 참조 (또는 경로 직접 지정)
    script: |
      python preprocess.py input_data.csv  # 스크립트 실행
"""

CORRECTED = """
tasks:
  - id: run_preprocessing_script
    type: io.kestra.plugin.scripts.python.Commands
    beforeCommands:
      - pip install pandas
    inputFiles:
      preprocess.py: "{{ read('scripts/preprocess.py') }}"
    commands:
      - python preprocess.py input_data.csv
"""


def _run(tmp_path: Path, tasks: str) -> tuple[Finished, bytes | None]:
    text = dedent(DEFAULTS) + dedent(tasks)
    result = load_flows(text.encode(), "preprocess.yaml", default_registry())
    assert result.ok, result.all_problems()
    (flow,) = result.valid_flows()
    with local_services(tmp_path / "data") as services:
        files = StorageNamespaceFiles(services.storage)
        files.write("company.team", "input_data.csv", io.BytesIO(INPUT.encode()))
        files.write("company.team", "scripts/preprocess.py", io.BytesIO(SCRIPT_FILE.encode()))
        finished = LocalRunner(services).execute(flow)
        (task_id,) = {run.task_id for run in finished.task_runs}
        outputs = finished.outputs.get(task_id) or {}
        uri = (outputs.get("outputFiles") or {}).get("processed_data.csv")
        content = services.storage.read_bytes(uri) if uri else None
    return finished, content


@pytest.fixture(autouse=True)
def _own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERCEL_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "cache"))


def test_inline_pandas_script_writes_the_processed_file(tmp_path: Path) -> None:
    finished, content = _run(tmp_path, INLINE)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert content is not None
    assert list(csv.reader(io.StringIO(content.decode()))) == EXPECTED
    assert any("전처리 완료" in line.message for line in finished.logs)


def test_shell_command_in_a_python_script_fails_with_advice(tmp_path: Path) -> None:
    finished, _ = _run(tmp_path, AS_WRITTEN)
    assert finished.execution.state.current.value == "FAILED"
    errors = " ".join(line.message for line in finished.logs if line.level == "ERROR")
    assert "python.Commands" in errors and "main()" in errors


def test_the_corrected_flow_gives_the_same_result(tmp_path: Path) -> None:
    finished, content = _run(tmp_path, CORRECTED)
    assert finished.execution.state.current.value == "SUCCESS", finished.logs
    assert content is not None
    assert list(csv.reader(io.StringIO(content.decode()))) == EXPECTED
