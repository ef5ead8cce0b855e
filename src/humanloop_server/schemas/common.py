"""common schemas."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Dict, Generic, List, Literal, Optional, TypeVar, Union

from pydantic import BaseModel, Field, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema


def fern_type_name(name: str) -> Any:
    """Return a ``__get_pydantic_json_schema__`` hook that sets ``x-fern-type-name`` on an enum's schema.

    Models use ``model_config = ConfigDict(json_schema_extra={"x-fern-type-name": ...})`` instead; enums
    have no model config, so they carry this hook. The SDK generator names the type after it.
    """

    def hook(cls: Any, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        target["x-fern-type-name"] = name
        return schema

    return classmethod(hook)


class ChatRole(str, Enum):
    """ChatRole"""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class ToolType(str, Enum):
    """ToolType_chat"""

    __get_pydantic_json_schema__ = fern_type_name("ChatToolType")

    FUNCTION = "function"


class TextChatContent(BaseModel):
    """TextChatContent"""

    type: Literal["text"]
    text: str


class ImageUrl(BaseModel):
    """ImageUrl"""

    url: str
    detail: Optional[Literal["high", "low", "auto"]] = None


class ImageChatContent(BaseModel):
    """ImageChatContent"""

    type: Literal["image_url"]
    image_url: ImageUrl


class FunctionTool(BaseModel):
    """FunctionTool"""

    name: str
    arguments: Optional[str] = None


class ToolCall(BaseModel):
    """ToolCall"""

    id: str
    type: ToolType
    function: FunctionTool


class ChatMessage(BaseModel):
    """ChatMessage"""

    content: Optional[Union[str, List[Union[TextChatContent, ImageChatContent]]]] = None
    name: Optional[str] = None
    tool_call_id: Optional[str] = None
    role: ChatRole
    tool_calls: Optional[List[ToolCall]] = None


class FunctionToolChoice(BaseModel):
    """FunctionToolChoice"""

    name: str


class ToolChoice(BaseModel):
    """ToolChoice"""

    type: ToolType
    function: FunctionToolChoice


class EnvironmentTag(str, Enum):
    """EnvironmentTag"""

    DEFAULT = "default"
    OTHER = "other"


class EnvironmentResponse(BaseModel):
    """EnvironmentResponse"""

    id: str
    created_at: datetime
    name: str
    tag: EnvironmentTag


class UserResponse(BaseModel):
    """UserResponse"""

    id: str
    email_address: str
    full_name: Optional[str] = None


class VersionStatus(str, Enum):
    """VersionStatus"""

    UNCOMMITTED = "uncommitted"
    COMMITTED = "committed"
    DELETED = "deleted"


class ProjectSortBy(str, Enum):
    """ProjectSortBy"""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NAME = "name"


class SortOrder(str, Enum):
    """SortOrder"""

    ASC = "asc"
    DESC = "desc"


class FileType(str, Enum):
    """FileType"""

    PROMPT = "prompt"
    TOOL = "tool"
    DATASET = "dataset"
    EVALUATOR = "evaluator"
    FLOW = "flow"


class TraceStatus(str, Enum):
    """TraceStatus"""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class ObservabilityStatus(str, Enum):
    """ObservabilityStatus"""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class InputResponse(BaseModel):
    """InputResponse"""

    name: str


class ProviderApiKeys(BaseModel):
    """ProviderApiKeys"""

    openai: Optional[str] = None
    ai21: Optional[str] = None
    mock: Optional[str] = None
    anthropic: Optional[str] = None
    bedrock: Optional[str] = None
    cohere: Optional[str] = None
    openai_azure: Optional[str] = None
    openai_azure_endpoint: Optional[str] = None


class ResponseFormat(BaseModel):
    """ResponseFormat"""

    type: Union[Literal["json_object"], Literal["json_schema"]]
    json_schema: Optional[Dict[str, Any]] = None


class ToolFunction(BaseModel):
    """ToolFunction"""

    name: str
    description: str
    strict: Optional[bool] = False
    parameters: Optional[Dict[str, Any]] = None


class LinkedToolResponse(BaseModel):
    """LinkedToolResponse"""

    name: str
    description: str
    strict: Optional[bool] = False
    parameters: Optional[Dict[str, Any]] = None
    id: str
    version_id: str


class CommitRequest(BaseModel):
    """CommitRequest"""

    commit_message: str


class FileRequest(BaseModel):
    """FileRequest"""

    id: Optional[str] = None
    path: Optional[str] = None


class PlatformAccessEnum(str, Enum):
    """PlatformAccessEnum"""

    SUPERADMIN = "superadmin"
    SUPPORTADMIN = "supportadmin"
    USER = "user"


class TimeUnit(str, Enum):
    """TimeUnit"""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class DashboardConfiguration(BaseModel):
    """DashboardConfiguration"""

    time_unit: TimeUnit
    time_range_days: int
    model_config_ids: List[str]


class Valence(str, Enum):
    """Valence"""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class ValidationError(BaseModel):
    """ValidationError"""

    loc: List[Union[str, int]]
    msg: str
    type: str


class HTTPValidationError(BaseModel):
    """HTTPValidationError"""

    detail: Optional[List[ValidationError]] = None


class ModelEndpoints(str, Enum):
    """ModelEndpoints"""

    COMPLETE = "complete"
    CHAT = "chat"
    EDIT = "edit"


class ModelProviders(str, Enum):
    """ModelProviders"""

    OPENAI = "openai"
    OPENAI_AZURE = "openai_azure"
    MOCK = "mock"
    ANTHROPIC = "anthropic"
    BEDROCK = "bedrock"
    COHERE = "cohere"
    REPLICATE = "replicate"
    GOOGLE = "google"
    GROQ = "groq"


T = TypeVar("T")


class PaginatedData(BaseModel, Generic[T]):
    """One page of a paginated listing.

    Parametrise it per item type (``PaginatedData[PromptResponse]``); the OpenAPI component is then
    named ``PaginatedData_PromptResponse_``.
    """

    records: List[T] = Field(description="The items on this page.")
    page: int = Field(description="Number of this page, starting at 1.")
    size: int = Field(description="Maximum number of items on a page.")
    total: int = Field(description="Number of items across all pages.")
