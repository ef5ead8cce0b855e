"""Models shared by several resources: chat messages, tool calls, environments, enums, errors and pagination."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any, Dict, Generic, List, Literal, Optional, TypeVar, Union

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler
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
    """Who wrote a chat message."""

    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    TOOL = "tool"


class ToolType(str, Enum):
    """Kind of a tool call; only functions exist."""

    __get_pydantic_json_schema__ = fern_type_name("ChatToolType")

    FUNCTION = "function"


#: Configuration of the models that carry a Log's values: a number sent where a string is expected
#: (``output=5``) is taken as its text, as the hosted API did; validation only, the schema is unchanged.
LOG_VALUES = ConfigDict(coerce_numbers_to_str=True)


class TextChatContent(BaseModel):
    """Text part of a message's content."""

    type: Literal["text"] = Field(description="Kind.")
    text: str = Field(description="The text.")


class ImageUrl(BaseModel):
    """Location of an image and the detail level to read it at."""

    url: str = Field(description="URL.")
    detail: Optional[Literal["high", "low", "auto"]] = Field(None, description="Every problem found in the request.")


class ImageChatContent(BaseModel):
    """Image part of a message's content."""

    type: Literal["image_url"] = Field(description="Kind.")
    image_url: ImageUrl = Field(description="The image.")


class FunctionTool(BaseModel):
    """Function the model asks to call, with JSON-encoded arguments."""

    name: str = Field(description="Name.")
    arguments: Optional[str] = Field(None, description="Arguments of the call, JSON-encoded.")


class ToolCall(BaseModel):
    """A tool call requested by the model."""

    id: str = Field(description="Unique identifier.")
    type: ToolType = Field(description="Kind.")
    function: FunctionTool = Field(description="The function.")


class AnthropicThinkingContent(BaseModel):
    """A reasoning block an Anthropic model returned, with the signature it must be sent back with."""

    type: Literal["thinking"] = Field("thinking", description="Kind.")
    thinking: str = Field(description="The model's reasoning text.")
    signature: str = Field(description="Signature that vouches for the reasoning.")


class AnthropicRedactedThinkingContent(BaseModel):
    """A reasoning block an Anthropic model returned encrypted."""

    type: Literal["redacted_thinking"] = Field("redacted_thinking", description="Kind.")
    data: str = Field(description="The encrypted reasoning.")


class ChatMessage(BaseModel):
    """One message of a chat conversation."""

    content: Optional[Union[str, List[Union[TextChatContent, ImageChatContent]]]] = Field(
        None, description="Text of the message, or a list of text and image parts."
    )
    name: Optional[str] = Field(None, description="Name.")
    tool_call_id: Optional[str] = Field(None, description="Tool call this message answers.")
    role: ChatRole = Field(description="Role of the author.")
    tool_calls: Optional[List[ToolCall]] = Field(None, description="Tool calls the model requested.")
    thinking: Optional[List[Union[AnthropicThinkingContent, AnthropicRedactedThinkingContent]]] = Field(
        None, description="Reasoning blocks of the model (Anthropic), kept to send back in later turns."
    )


class FunctionToolChoice(BaseModel):
    """Names the function the model must call."""

    name: str = Field(description="Name.")


class ToolChoice(BaseModel):
    """Forces the model to call one specific function."""

    type: ToolType = Field(description="Kind.")
    function: FunctionToolChoice = Field(description="The function.")


class EnvironmentTag(str, Enum):
    """Whether an environment is the organisation's default one."""

    DEFAULT = "default"
    OTHER = "other"


class EnvironmentResponse(BaseModel):
    """A deployment environment, such as production or staging."""

    id: str = Field(description="Unique identifier.")
    created_at: datetime = Field(description="When it was created.")
    name: str = Field(description="Name.")
    tag: EnvironmentTag = Field(description="Whether this is the default environment.")


class UserResponse(BaseModel):
    """The user who did something."""

    # the 0.8.6 SDK exposes this as a plain JSON value (a dict), not a model
    model_config = ConfigDict(json_schema_extra={"x-fern-type": "unknown"})

    id: str = Field(description="Unique identifier.")
    email_address: str = Field(description="Email address of the user.")
    full_name: Optional[str] = Field(None, description="Name of the user.")


class VersionStatus(str, Enum):
    """Lifecycle state of a file version."""

    UNCOMMITTED = "uncommitted"
    COMMITTED = "committed"
    DELETED = "deleted"


class ProjectSortBy(str, Enum):
    """Field that listings sort on."""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NAME = "name"


class FileSortBy(str, Enum):
    """Field that listings of Files sort on (the 0.8.38 name of `ProjectSortBy`)."""

    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    NAME = "name"


class SortOrder(str, Enum):
    """Sort direction."""

    ASC = "asc"
    DESC = "desc"


class FileType(str, Enum):
    """Kind of a file."""

    PROMPT = "prompt"
    TOOL = "tool"
    DATASET = "dataset"
    EVALUATOR = "evaluator"
    FLOW = "flow"


class TraceStatus(str, Enum):
    """Whether a trace may still receive Logs."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class LogStatus(str, Enum):
    """Whether a Log is finished (the 0.8.38 name of a trace's status; the two are one state)."""

    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


class TemplateLanguage(str, Enum):
    """How a Prompt's template is written: `{{variable}}` placeholders, or Jinja."""

    DEFAULT = "default"
    JINJA = "jinja"


class OpenAiReasoningEffort(str, Enum):
    """How hard a reasoning model should think (OpenAI's levels)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class UpdateVersionRequest(BaseModel):
    """Body that names or describes an existing version."""

    name: Optional[str] = Field(None, description="New name of the version, unique within its file.")
    description: Optional[str] = Field(None, description="New description of the version.")


class ObservabilityStatus(str, Enum):
    """Progress of the monitoring Evaluators on a Log."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class InputResponse(BaseModel):
    """An input variable of a template."""

    name: str = Field(description="Name.")


class ProviderApiKeys(BaseModel):
    """Model provider keys to use for one request instead of the stored ones."""

    openai: Optional[str] = Field(None, description="OpenAI key.")
    ai21: Optional[str] = Field(None, description="AI21 key.")
    mock: Optional[str] = Field(None, description="Key for the mock provider.")
    anthropic: Optional[str] = Field(None, description="Anthropic key.")
    deepseek: Optional[str] = Field(None, description="DeepSeek key.")
    bedrock: Optional[str] = Field(None, description="AWS Bedrock key.")
    cohere: Optional[str] = Field(None, description="Cohere key.")
    openai_azure: Optional[str] = Field(None, description="Azure OpenAI key.")
    openai_azure_endpoint: Optional[str] = Field(None, description="Azure OpenAI endpoint URL.")


class ResponseFormat(BaseModel):
    """Output format the model must produce."""

    type: Union[Literal["json_object"], Literal["json_schema"]] = Field(description="Kind.")
    json_schema: Optional[Dict[str, Any]] = Field(None, description="JSON Schema the output must follow.")


class ToolFunction(BaseModel):
    """Definition of a function the model may call."""

    name: str = Field(description="Name.")
    description: str = Field(description="What the function does, for the model.")
    strict: Optional[bool] = Field(False, description="Whether the arguments must follow the schema exactly.")
    parameters: Optional[Dict[str, Any]] = Field(None, description="JSON Schema of the function's arguments.")


class LinkedToolResponse(BaseModel):
    """A Tool file linked to a Prompt, as the model sees it."""

    name: str = Field(description="Name.")
    description: str = Field(description="What the function does, for the model.")
    strict: Optional[bool] = Field(False, description="Whether the arguments must follow the schema exactly.")
    parameters: Optional[Dict[str, Any]] = Field(None, description="JSON Schema of the function's arguments.")
    id: str = Field(description="Unique identifier.")
    version_id: str = Field(description="ID of the version.")


class CommitRequest(BaseModel):
    """Body of a commit: the message that describes the version."""

    commit_message: str = Field(description="Message that describes the version.")


class FileRequest(BaseModel):
    """Identifies a file by ID or path."""

    id: Optional[str] = Field(None, description="Unique identifier.")
    path: Optional[str] = Field(None, description="Path of the file including its name, such as `folder/name`.")


class PlatformAccessEnum(str, Enum):
    """Access level of a user on the platform."""

    SUPERADMIN = "superadmin"
    SUPPORTADMIN = "supportadmin"
    USER = "user"


class TimeUnit(str, Enum):
    """Granularity of a time series."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


class DashboardConfiguration(BaseModel):
    """Settings of a monitoring dashboard."""

    time_unit: TimeUnit = Field(description="Granularity of the series.")
    time_range_days: int = Field(description="Number of days shown.")
    model_config_ids: List[str] = Field(description="IDs of the model configurations shown.")


class Valence(str, Enum):
    """Whether an option counts as good, bad or neither."""

    POSITIVE = "positive"
    NEGATIVE = "negative"
    NEUTRAL = "neutral"


class ValidationError(BaseModel):
    """One problem found while validating a request."""

    loc: List[Union[str, int]] = Field(
        description="Where the problem is: the part of the request, then the field path."
    )
    msg: str = Field(description="What is wrong.")
    type: str = Field(description="Kind.")


class HTTPValidationError(BaseModel):
    """Body of a 422 response: every validation problem of the request."""

    detail: Optional[List[ValidationError]] = Field(None, description="Every problem found in the request.")


class ModelEndpoints(str, Enum):
    """Kind of provider endpoint a Prompt uses."""

    COMPLETE = "complete"
    CHAT = "chat"
    EDIT = "edit"


class ModelProviders(str, Enum):
    """Model provider a Prompt calls."""

    OPENAI = "openai"
    OPENAI_AZURE = "openai_azure"
    MOCK = "mock"
    ANTHROPIC = "anthropic"
    BEDROCK = "bedrock"
    COHERE = "cohere"
    REPLICATE = "replicate"
    GOOGLE = "google"
    GROQ = "groq"
    DEEPSEEK = "deepseek"


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


# What `from .common import *` exports. `ToolType` here is the kind of a linked tool; the package exports `tools.ToolType`
# (reach this one as `common.ToolType`)
__all__ = [
    "ChatMessage",
    "ChatRole",
    "CommitRequest",
    "DashboardConfiguration",
    "EnvironmentResponse",
    "EnvironmentTag",
    "FileRequest",
    "FileType",
    "FunctionTool",
    "FunctionToolChoice",
    "HTTPValidationError",
    "ImageChatContent",
    "ImageUrl",
    "InputResponse",
    "LinkedToolResponse",
    "ModelEndpoints",
    "ModelProviders",
    "ObservabilityStatus",
    "PaginatedData",
    "PlatformAccessEnum",
    "ProjectSortBy",
    "ProviderApiKeys",
    "ResponseFormat",
    "SortOrder",
    "T",
    "TextChatContent",
    "TimeUnit",
    "ToolCall",
    "ToolChoice",
    "ToolFunction",
    "TraceStatus",
    "AnthropicThinkingContent",
    "AnthropicRedactedThinkingContent",
    "LogStatus",
    "TemplateLanguage",
    "OpenAiReasoningEffort",
    "UpdateVersionRequest",
    "UserResponse",
    "Valence",
    "ValidationError",
    "VersionStatus",
    "fern_type_name",
]
