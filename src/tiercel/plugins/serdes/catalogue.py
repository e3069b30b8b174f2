"""Every class of the serdes plugins, imported: for the index generator and the tests."""

from tiercel.plugins.serdes.avro.avro_to_ion import AvroToIon
from tiercel.plugins.serdes.avro.ion_to_avro import IonToAvro
from tiercel.plugins.serdes.csv.csv_to_ion import CsvToIon
from tiercel.plugins.serdes.csv.ion_to_csv import IonToCsv
from tiercel.plugins.serdes.excel.excel_to_ion import ExcelToIon
from tiercel.plugins.serdes.excel.ion_to_excel import IonToExcel
from tiercel.plugins.serdes.json.ion_to_json import IonToJson
from tiercel.plugins.serdes.json.json_to_ion import JsonToIon
from tiercel.plugins.serdes.json.json_to_jsonl import JsonToJsonl
from tiercel.plugins.serdes.markdown.markdown_to_html import MarkdownToHtml
from tiercel.plugins.serdes.markdown.markdown_to_text import MarkdownToText
from tiercel.plugins.serdes.parquet.ion_to_parquet import IonToParquet
from tiercel.plugins.serdes.parquet.parquet_to_ion import ParquetToIon
from tiercel.plugins.serdes.xml.ion_to_xml import IonToXml
from tiercel.plugins.serdes.xml.xml_to_ion import XmlToIon
from tiercel.plugins.serdes.yaml.ion_to_yaml import IonToYaml
from tiercel.plugins.serdes.yaml.json_to_yaml import JsonToYaml
from tiercel.plugins.serdes.yaml.yaml_to_ion import YamlToIon
from tiercel.plugins.serdes.yaml.yaml_to_json import YamlToJson
from tiercel.sdk import PluginObject

PLUGINS: list[type[PluginObject]] = [
    CsvToIon,
    IonToCsv,
    JsonToIon,
    IonToJson,
    JsonToJsonl,
    IonToAvro,
    AvroToIon,
    IonToParquet,
    ParquetToIon,
    IonToExcel,
    ExcelToIon,
    IonToXml,
    XmlToIon,
    YamlToJson,
    JsonToYaml,
    YamlToIon,
    IonToYaml,
    MarkdownToHtml,
    MarkdownToText,
]
